// aims-monitor web UI: the little script the server-rendered pages need (docs/ui.md).
// - htmx requests carry the session's CSRF token (from the meta tags the layout writes).
// - <form data-confirm="..."> asks before it is sent; htmx elements use hx-confirm.
// - <input type="checkbox" data-select-all="name"> ticks every checkbox of that name.
// - <div class="chart" data-option="{ECharts option as JSON}"> is drawn with ECharts, if loaded.
(function () {
  'use strict';

  function meta(name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute('content') : null;
  }

  document.addEventListener('htmx:configRequest', function (event) {
    var header = meta('csrf-header');
    var token = meta('csrf-token');
    if (header && token) {
      event.detail.headers[header] = token;
    }
  });

  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);

  document.addEventListener('change', function (event) {
    var box = event.target;
    var name = box.getAttribute && box.getAttribute('data-select-all');
    if (name) {
      document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (other) {
        other.checked = box.checked;
      });
    }
  });

  function drawCharts(root) {
    if (!window.echarts) {
      return;
    }
    root.querySelectorAll('.chart[data-option]').forEach(function (el) {
      if (el.getAttribute('data-drawn')) {
        return;
      }
      var option = JSON.parse(el.getAttribute('data-option'));
      var chart = window.echarts.init(el, null, { renderer: 'svg' });
      chart.setOption(option);
      el.setAttribute('data-drawn', 'true');
      window.addEventListener('resize', function () { chart.resize(); });
    });
  }

  document.addEventListener('DOMContentLoaded', function () { drawCharts(document); });
  document.addEventListener('htmx:afterSwap', function (event) { drawCharts(event.target); });
})();
