package io.aimsmonitor.connector.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aimsmonitor.fact.ModelVersion.ModelCard;
import org.junit.jupiter.api.Test;

/** The Markdown model-card parser shared by the kubeflow (readme) and mlflow (descriptions) connectors. */
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

  @Test
  void sectionsAreFoundByHeadingWordingAndRunToTheNextHeadingOfTheirLevel() {
    String description = """
        Scores tickets.

        ## Intended Use
        Route support tickets to a queue.
        ### Queues
        Billing, Shipping.

        ## Bias, Risks, and Limitations:
        English only.

        ## **Evaluation**
        macro-F1 0.82 on March tickets.
        ```
        ## Training data
        (a heading inside a code fence is text)
        ```

        ## Training Data
        ## Out-of-scope use
        Legal advice.
        """;

    assertThat(MarkdownCard.sections(description)).containsExactly(
        entry("intended_use", "Route support tickets to a queue.\n### Queues\nBilling, Shipping."),
        entry("limitations", "English only."),
        entry("metrics", "macro-F1 0.82 on March tickets.\n```\n## Training data\n(a heading inside a code fence is text)\n```"),
        entry("training_data", ""));
  }

  @Test
  void aHeadingNamingTwoSectionsFillsBoth() {
    assertThat(MarkdownCard.sections("## Intended uses & limitations\nInternal triage only.\n"))
        .containsOnly(entry("intended_use", "Internal triage only."), entry("limitations", "Internal triage only."));
  }

  @Test
  void theFirstHeadingNamingASectionWinsAndNullIsNoSections() {
    assertThat(MarkdownCard.sections("## Limitations\nfirst\n## Known limitations\nsecond"))
        .containsExactly(entry("limitations", "first"));
    assertThat(MarkdownCard.sections(null)).isEmpty();
    assertThat(MarkdownCard.parse("plain words, no headings", "u"))
        .isEqualTo(new ModelCard(null, null, null, null, "u"));
  }

  @Test
  void headingsFollowCommonMark() {
    String markdown = """
           ## Uses
        indented up to three spaces: still a heading
            ## Limitations
        four spaces: an indented code line, not a heading
        #Evaluation
        no space after the #: text
        ## Metrics ##
        closing hashes are not part of the heading
        ##
        an empty heading ends the section above
        ## Training data for C#
        tickets
        """;

    assertThat(MarkdownCard.sections(markdown)).containsExactly(
        entry("intended_use", "indented up to three spaces: still a heading\n    ## Limitations\n"
            + "four spaces: an indented code line, not a heading\n#Evaluation\nno space after the #: text"),
        entry("metrics", "closing hashes are not part of the heading"),
        entry("training_data", "tickets"));
  }

  @Test
  void headingWordsMayBeEmphasised() {
    assertThat(MarkdownCard.sections("## **Training** _data_:\nx\n## `Limitations`\ny\n## Direct_Use\nz"))
        .containsExactly(entry("training_data", "x"), entry("limitations", "y"), entry("intended_use", "z"));
  }

  @Test
  void tildeFencesAndLongerFencesHideHeadings() {
    String markdown = """
        ## Evaluation
        ~~~
        ## Limitations
        ~~~
        ````markdown
        ```
        ## Training data
        ```
        ````
        f1 0.9
        ## Limitations
        English only.
        """;

    assertThat(MarkdownCard.sections(markdown)).containsExactly(
        entry("metrics", "~~~\n## Limitations\n~~~\n````markdown\n```\n## Training data\n```\n````\nf1 0.9"),
        entry("limitations", "English only."));
  }
}
