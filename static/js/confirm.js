/*
 * confirm.js: small behaviours for every page (load it in the base layout,
 * and on the survey pages, with defer). No inline handlers are needed.
 *
 * - Adds class "js" to <html>, so CSS can hide .nojs-only fallbacks
 *   (e.g. the "Switch" button next to the organization select).
 * - <form data-confirm="Delete team Blue?"> asks confirm(message) on submit
 *   and cancels the submission when declined. A submit button may carry its
 *   own data-confirm, which wins for submissions made with that button.
 * - <button type="button" data-copy="text to copy">Copy link</button> copies
 *   the text to the clipboard and says "Copied" for two seconds. With
 *   data-copy="" and data-copy-target="#some-input", the value (or text) of
 *   that element is copied instead. A shared visually hidden live region
 *   announces the result to screen readers.
 * - <select data-autosubmit> submits its form when its value changes
 *   (organization switcher); keep a .nojs-only submit button for no-JS use.
 */
(function () {
  'use strict';

  var COPIED_MS = 2000;

  document.documentElement.classList.add('js');

  // ------------------------------------------------------------ confirm

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute('data-confirm')) ||
      form.getAttribute('data-confirm');
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // --------------------------------------------------------------- copy

  var liveRegion = null;

  function announce(text) {
    if (!liveRegion) {
      liveRegion = document.createElement('div');
      liveRegion.className = 'visually-hidden';
      liveRegion.setAttribute('role', 'status');
      liveRegion.setAttribute('aria-live', 'polite');
      document.body.appendChild(liveRegion);
    }
    liveRegion.textContent = '';
    window.setTimeout(function () { liveRegion.textContent = text; }, 50);
  }

  function copyWithSelection(text) {
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'visually-hidden';
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand('copy');
    } catch (err) {
      ok = false;
    }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error('copy failed'));
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return copyWithSelection(text);
      });
    }
    return copyWithSelection(text);
  }

  function textFor(button) {
    var text = button.getAttribute('data-copy');
    var selector = button.getAttribute('data-copy-target');
    if (!text && selector) {
      var target = document.querySelector(selector);
      if (target) {
        text = 'value' in target ? target.value : target.textContent;
      }
    }
    return text || '';
  }

  function flashLabel(button, label) {
    if (!button.hasAttribute('data-copy-label')) {
      button.setAttribute('data-copy-label', button.textContent);
    }
    button.textContent = label;
    window.clearTimeout(Number(button.getAttribute('data-copy-timer')) || 0);
    var timer = window.setTimeout(function () {
      button.textContent = button.getAttribute('data-copy-label');
      button.removeAttribute('data-copy-label');
      button.removeAttribute('data-copy-timer');
    }, COPIED_MS);
    button.setAttribute('data-copy-timer', String(timer));
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('[data-copy]') : null;
    if (!button) {
      return;
    }
    event.preventDefault();
    var text = textFor(button);
    if (!text) {
      return;
    }
    copyText(text).then(function () {
      flashLabel(button, 'Copied');
      announce('Copied to the clipboard');
    }, function () {
      flashLabel(button, 'Copy failed');
      announce('Could not copy; select the text and copy it by hand');
    });
  });

  // --------------------------------------------------------- autosubmit

  document.addEventListener('change', function (event) {
    var select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.hasAttribute('data-autosubmit') || !select.form) {
      return;
    }
    if (select.form.requestSubmit) {
      select.form.requestSubmit();
    } else {
      select.form.submit();
    }
  });
}());
