/*
 * charts.js: the only chart initializer of gapmap (the CSP forbids inline script).
 *
 * Load after echarts, both from this origin:
 *   <script src="/static/js/echarts.min.js" defer></script>
 *   <script src="/static/js/charts.js" defer></script>
 *
 * Markup contract:
 *   <div class="chart" id="radar" data-chart="radar-data" role="img" aria-labelledby="radar-h"></div>
 *   <script type="application/json" id="radar-data">{…go-echarts chart.JSON() through html/template…}</script>
 *   <button type="button" data-chart-save="radar" data-chart-name="radar-2026-q1">Save as image</button>
 *
 * - Every element with data-chart="<id>" becomes a chart whose options are
 *   JSON.parse of the <script type="application/json" id="<id>"> text.
 *   The container needs a size (the .chart class gives it 360px of height).
 * - [data-chart-save="<container id>"] downloads that chart as a PNG
 *   (2x pixel ratio, white background) named from data-chart-name on the
 *   button (or on the container), else the container id.
 * - Charts resize with the window, with their container, and before printing
 *   (beforeprint and the print media query), painted at once for the page.
 * - prefers-reduced-motion turns chart animation off.
 * - Tooltips are forced to renderMode "richText": the default HTML tooltip
 *   writes style="" attributes, which style-src 'self' blocks (console errors,
 *   unstyled tooltips). Do not use toolbox.dataView for the same reason.
 */
(function () {
  'use strict';

  var RESIZE_DELAY_MS = 150;
  var charts = [];
  var resizeTimer = 0;

  function prefersReducedMotion() {
    return Boolean(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
  }

  function safeTooltip(tooltip) {
    if (Array.isArray(tooltip)) {
      return tooltip.map(safeTooltip);
    }
    if (tooltip && typeof tooltip === 'object') {
      tooltip.renderMode = 'richText';
      tooltip.confine = true;
    }
    return tooltip;
  }

  function prepare(option) {
    if (option.tooltip) {
      option.tooltip = safeTooltip(option.tooltip);
    }
    if (prefersReducedMotion()) {
      option.animation = false;
    }
    return option;
  }

  function readOption(el) {
    var id = el.getAttribute('data-chart');
    var source = id ? document.getElementById(id) : null;
    if (!source || source.tagName !== 'SCRIPT' || source.type !== 'application/json') {
      console.error('gapmap charts: no <script type="application/json" id="' + id + '"> for a [data-chart] element');
      return null;
    }
    try {
      return JSON.parse(source.textContent);
    } catch (err) {
      console.error('gapmap charts: invalid JSON in #' + id + ': ' + err.message);
      return null;
    }
  }

  function initChart(el) {
    if (window.echarts.getInstanceByDom(el)) {
      return;
    }
    var option = readOption(el);
    if (!option) {
      return;
    }
    var chart = window.echarts.init(el, null, {
      renderer: 'canvas',
      devicePixelRatio: Math.max(window.devicePixelRatio || 1, 2)
    });
    chart.setOption(prepare(option));
    charts.push(chart);
  }

  function resizeAll() {
    window.clearTimeout(resizeTimer);
    resizeTimer = 0;
    charts.forEach(function (chart) {
      if (!chart.isDisposed()) {
        chart.resize({ animation: { duration: 0 } });
      }
    });
  }

  function scheduleResize() {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(resizeAll, RESIZE_DELAY_MS);
  }

  function fileName(button, container) {
    var name = button.getAttribute('data-chart-name') ||
      container.getAttribute('data-chart-name') ||
      container.id || 'chart';
    name = name.replace(/\.png$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '');
    return (name || 'chart') + '.png';
  }

  function saveChart(button) {
    var container = document.getElementById(button.getAttribute('data-chart-save'));
    var chart = container && window.echarts.getInstanceByDom(container);
    if (!chart) {
      return;
    }
    var link = document.createElement('a');
    link.href = chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' });
    link.download = fileName(button, container);
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
  }

  function start() {
    if (!window.echarts) {
      console.error('gapmap charts: echarts.min.js is not loaded before charts.js');
      return;
    }
    var containers = document.querySelectorAll('[data-chart]');
    Array.prototype.forEach.call(containers, initChart);
    if (charts.length === 0) {
      return;
    }

    window.addEventListener('resize', scheduleResize);
    if (window.ResizeObserver) {
      var observer = new window.ResizeObserver(scheduleResize);
      Array.prototype.forEach.call(containers, function (el) {
        observer.observe(el);
      });
    }

    // Print layout differs from the screen: redraw at the printed width
    // first, and paint at once (ECharts otherwise paints on the next
    // animation frame, which a print may not wait for). The media rules
    // of each option (a column legend, smaller radar) follow the width.
    var redrawForPrint = function () {
      resizeAll();
      charts.forEach(function (chart) {
        if (!chart.isDisposed()) {
          chart.getZr().refreshImmediately();
        }
      });
    };
    window.addEventListener('beforeprint', redrawForPrint);
    window.addEventListener('afterprint', redrawForPrint);
    if (window.matchMedia) {
      var print = window.matchMedia('print');
      var onPrintChange = function () {
        redrawForPrint();
      };
      if (print.addEventListener) {
        print.addEventListener('change', onPrintChange);
      } else if (print.addListener) {
        print.addListener(onPrintChange);
      }
    }
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('[data-chart-save]') : null;
    if (button && window.echarts) {
      event.preventDefault();
      saveChart(button);
    }
  });

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
