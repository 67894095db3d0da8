package io.aimsmonitor.connector.kubeflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aimsmonitor.fact.ModelVersion.ModelCard;
import org.junit.jupiter.api.Test;

class MarkdownCardTest {

  @Test
  void readsHuggingFaceTemplateHeadings() {
    ModelCard card = MarkdownCard.parse("""
        # Model Card for acme/bert
        ## Uses
        ### Direct Use
        Ticket triage.
        ## Bias, Risks, and Limitations
        English only.
        ## Training Details
        ### Training Data
        Support tickets 2023.
        ## Evaluation
        ### Results
        """, "https://x/README.md");

    assertEquals(new ModelCard("### Direct Use\nTicket triage.", "English only.", "### Results",
        "### Training Data\nSupport tickets 2023.", "https://x/README.md"), card);
  }

  @Test
  void combinedHeadingFillsBothSectionsAndMissingSectionsStayNull() {
    ModelCard card = MarkdownCard.parse("## Intended uses & limitations\nInternal only.\n## Known causes of drift\nx\n",
        null);

    assertEquals(new ModelCard("Internal only.", "Internal only.", null, null, null), card);
  }

  @Test
  void emptySectionIsEmptyNotMissing() {
    ModelCard card = MarkdownCard.parse("## Limitations\n\n## Other\ntext", null);

    assertEquals("", card.limitations());
  }
}
