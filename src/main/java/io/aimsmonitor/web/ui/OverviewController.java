package io.aimsmonitor.web.ui;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** Page 1, the overview: posture per control family, open findings over time, changes, sources, waivers. */
@Controller
public class OverviewController {

  @GetMapping("/")
  String overview() {
    return "ui/overview";
  }
}
