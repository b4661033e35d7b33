/*
 * survey.js: saves survey answers as the respondent changes them.
 *
 * Progressive enhancement: without this script the survey page is a plain
 * form that saves every answer on the page when "Previous"/"Next" posts it.
 * With it, each change is sent to the JSON API at once, and the form post on
 * "Next" only happens after those saves have finished.
 *
 * ---- Markup contract (server templates) -------------------------------------
 *
 * <div id="survey-alert" class="survey-alert" role="alert"></div>
 *   (after a refused post: tabindex="-1" data-summary and the server's error
 *   summary inside, which stays, and which gets the focus on load)
 *     Empty when all is well; render it (empty) so screen readers already
 *     know the live region. Created at the top of the form when missing.
 *
 * <label for="survey-progress">12 of 40 questions answered</label>
 * <progress id="survey-progress" max="40" value="12">12 of 40</progress>
 *     Optional. Counts up (value, text and label) when a question of the
 *     page is saved with its first answer.
 *
 * <form class="survey" method="post" action="…"
 *       data-token="{token}"            required: the token of /s/{token}
 *       data-revision="{N}"             the response revision the page shows
 *       data-endpoint="…">              optional; default /api/v1/survey/{token}/answers
 *   <input type="hidden" name="revision" value="{N}">   optional; kept equal to data-revision
 *
 *   <fieldset class="question" id="q-{questionnaire}-{question}"
 *             data-questionnaire="{questionnaire key}"
 *             data-question="{question key}"
 *             data-scale="level|likert"          likert: radio values 1..5 sent as "value"
 *             data-revision="{M}">              optional: revision of this answer, else the form's
 *     <legend class="question-text">…</legend>
 *     <p class="question-help" id="…">…</p>
 *
 *     level scale: one radio per option, value = the option key
 *     <div class="choices">
 *       <label class="choice">
 *         <input type="radio" name="answer:{questionnaire}:{question}" value="{option key}">
 *         <span class="choice-body"><span class="choice-level">Level 2 · Operational</span>
 *         <span class="choice-label">{option label}</span></span>
 *       </label> …
 *     </div>
 *
 *     likert scale: five radios, values 1..5
 *     <div class="likert">
 *       <label class="likert-option"><input type="radio" name="answer:{q}:{k}" value="1"><span>Strongly disagree</span></label>
 *       … value="2" Disagree, "3" Neither agree nor disagree, "4" Agree, "5" Strongly agree
 *     </div>
 *
 *     <label class="check question-na"><input type="checkbox" name="na:{q}:{k}" value="1"> Not applicable</label>
 *     <div class="question-comment">
 *       <label for="c-{q}-{k}">Comment (optional)</label>
 *       <textarea id="c-{q}-{k}" name="comment:{q}:{k}" maxlength="4096" rows="3"></textarea>
 *     </div>
 *     <span class="save-status" role="status" aria-live="polite"></span>
 *   </fieldset>
 *
 *     measures (views/survey/measure.html), data-scale="nps|number|text",
 *     data-optional="1" unless required: nps has radios 0..10 sent as
 *     "value"; number has <input name="answer:{q}:{k}"> sent as "value"
 *     (blank: nothing to send); text has <textarea name="answer:{q}:{k}
 *     data-counter="{id}"> sent as "text" ("" removes the answer), with a
 *     live character count in #{id} [data-count]. No comment field.
 *   …
 *   <nav class="survey-nav" aria-label="Survey pages">
 *     <button class="btn btn-secondary" name="nav" value="prev">Previous</button>
 *     <button class="btn btn-primary" name="nav" value="next">Next</button>
 *   </nav>
 * </form>
 *
 * ---- API contract -------------------------------------------------------------
 *
 * PUT {endpoint}, Content-Type: application/json, credentials same-origin, one of
 *   {"questionnaire","question","option":"<key>","comment","revision"}
 *   {"questionnaire","question","value":1..5,"comment","revision"}
 *   {"questionnaire","question","na":true,"comment","revision"}
 * Every write carries the question's whole state (answer + current comment).
 * "revision" is the response revision at which this client last saw this
 * question: the page's data-revision (or the question's own), then the
 * revision returned by this question's last save or conflict. The server
 * answers 409 when the stored answer was written after that revision, so
 * another tab's change is never overwritten silently; writes to other
 * questions in between must not make it stale.
 *   200 {"revision":N}                     saved
 *   409 {"error","current":{…},"revision"}  stale: the page takes the server's answer
 *   409 {"error",…} with revision <= ours   round closed / response submitted: read-only
 *   404, 401, 403, 410 {"error"}             the link no longer works: read-only
 *   429, 5xx, network error, 15 s timeout    retried after 1, 2, 4, 8, 16, then every 30 s (±20 %, at most 30 s)
 *   other 4xx {"error","field"}              shown on the question, not retried
 *
 * ---- Behaviour -------------------------------------------------------------------
 * - Radio or N/A change: saved at once. N/A clears the radios; a radio clears N/A.
 * - Comment: saved 800 ms after typing stops, on blur, and when the page is hidden.
 *   A comment (or unticking N/A) with no answer chosen cannot be saved on its
 *   own; the question says so and it is sent with the next answer.
 * - One request per question in flight; later changes are coalesced into the
 *   next request, which always reads the inputs' latest state.
 * - .save-status shows "Saving…" (.is-saving), "Saved" only after a 2xx
 *   (.is-saved), "Not saved — retrying" or the server's message (.is-error).
 *   After 5 failed attempts #survey-alert says so plainly; it clears on success.
 * - The form's data-revision (and input[name=revision]) follow the highest
 *   revision returned; the form gets data-pending="<unsaved questions>"
 *   (browser tests can wait for data-pending="0").
 * - Leaving the page with unsaved changes asks for confirmation; posting the
 *   form first waits (at most 10 s) for saves in flight. If saves are failing,
 *   the first click explains, a second click posts anyway.
 */
(function () {
  'use strict';

  var COMMENT_DELAY_MS = 800;
  var REQUEST_TIMEOUT_MS = 15000;
  var NAV_WAIT_MS = 10000;
  var ALERT_AFTER_FAILURES = 5;
  // The page's language: texts from <script type="application/json"
  // id="survey-messages"> when the survey is not in English.
  var MESSAGES = (function () {
    var el = document.getElementById('survey-messages');
    try { return el ? JSON.parse(el.textContent) : {}; } catch (e) { return {}; }
  })();
  function msg(key, english) {
    return typeof MESSAGES[key] === 'string' ? MESSAGES[key] : english;
  }
  var RETRY_MESSAGE = msg('retry', 'This answer could not be saved. Check your connection; we keep trying.');

  var form = document.querySelector('form.survey[data-token]');
  if (!form || !window.fetch) {
    return;
  }

  var token = form.getAttribute('data-token');
  var endpoint = form.getAttribute('data-endpoint') ||
    '/api/v1/survey/' + encodeURIComponent(token) + '/answers';
  var questions = [];
  var byElement = new Map();
  var alertMessages = {};
  var locked = false;
  var navigating = false;
  var navWarned = false;
  var idleWaiters = [];

  function toRevision(text) {
    var n = parseInt(text, 10);
    return isFinite(n) ? n : null;
  }

  var pageRevision = toRevision(form.getAttribute('data-revision'));

  // ---------------------------------------------------------------- alert

  var alertEl = document.getElementById('survey-alert');
  if (!alertEl) {
    alertEl = document.createElement('div');
    alertEl.id = 'survey-alert';
    alertEl.className = 'survey-alert';
    alertEl.setAttribute('role', 'alert');
    form.insertBefore(alertEl, form.firstChild);
  }

  // What the server put in the alert (the error summary of a posted page)
  // stays; the messages of this script follow it.
  var serverAlert = Array.prototype.slice.call(alertEl.childNodes);

  function setAlert(key, text) {
    if (text) {
      alertMessages[key] = text;
    } else {
      delete alertMessages[key];
    }
    var keys = Object.keys(alertMessages);
    alertEl.textContent = '';
    serverAlert.forEach(function (node) { alertEl.appendChild(node); });
    keys.forEach(function (k) {
      var p = document.createElement('p');
      p.textContent = alertMessages[k];
      alertEl.appendChild(p);
    });
  }

  // ------------------------------------------------------------- questions

  function setup(el) {
    var q = {
      el: el,
      questionnaire: el.getAttribute('data-questionnaire'),
      question: el.getAttribute('data-question'),
      likert: el.getAttribute('data-scale') === 'likert' || el.getAttribute('data-scale') === 'nps',
      scale: el.getAttribute('data-scale'),
      field: el.querySelector('input[name^="answer:"]:not([type="radio"]), textarea[name^="answer:"]'),
      optional: el.hasAttribute('data-optional'),
      radios: el.querySelectorAll('input[type="radio"][name^="answer:"]'),
      na: el.querySelector('input[type="checkbox"][name^="na:"]'),
      comment: el.querySelector('textarea[name^="comment:"]'),
      status: el.querySelector('.save-status'),
      revision: toRevision(el.getAttribute('data-revision')),
      changeSeq: 0,
      savedSeq: 0,
      sentSeq: 0,
      sentBody: null,
      inFlight: false,
      failures: 0,
      retryTimer: 0,
      commentTimer: 0,
      conflicted: false
    };
    if (q.revision === null) {
      q.revision = pageRevision;
    }
    if (!q.status) {
      q.status = document.createElement('span');
      q.status.className = 'save-status';
      q.status.setAttribute('role', 'status');
      q.status.setAttribute('aria-live', 'polite');
      el.appendChild(q.status);
    }
    questions.push(q);
    byElement.set(el, q);
  }

  Array.prototype.forEach.call(
    form.querySelectorAll('.question[data-questionnaire][data-question]'), setup);

  // ------------------------------------------------------------- progress

  var progressEl = document.getElementById('survey-progress');
  var progressLabel = progressEl ? document.querySelector('label[for="survey-progress"]') : null;

  questions.forEach(function (q) {
    q.answered = Boolean((q.na && q.na.checked) || checkedRadio(q) || (q.field && q.field.value.trim() !== ''));
  });

  // A saved answer can be changed but never removed: count it once.
  function noteAnswered(q) {
    if (q.answered || q.optional) {
      return;
    }
    q.answered = true;
    if (!progressEl) {
      return;
    }
    var max = progressEl.getAttribute('max');
    var value = (parseInt(progressEl.getAttribute('value'), 10) || 0) + 1;
    progressEl.setAttribute('value', String(value));
    var words = (max === '1' ? msg('progress.one', '{answered} of {total} question answered')
      : msg('progress', '{answered} of {total} questions answered'))
      .replace('{answered}', value).replace('{total}', max);
    progressEl.textContent = words;
    if (progressLabel) {
      progressLabel.textContent = words;
    }
  }

  function questionOf(node) {
    var el = node.closest ? node.closest('.question[data-questionnaire][data-question]') : null;
    return el ? byElement.get(el) : undefined;
  }

  function questionTitle(q) {
    var title = q.el.querySelector('.question-text, legend');
    var text = title ? title.textContent.replace(/\s+/g, ' ').trim() : q.question;
    return text.length > 90 ? text.slice(0, 87) + '…' : text;
  }

  function setStatus(q, state, text) {
    q.status.classList.remove('is-saving', 'is-saved', 'is-error');
    if (state) {
      q.status.classList.add('is-' + state);
    }
    q.status.textContent = text;
  }

  function isDirty(q) {
    return q.changeSeq !== q.savedSeq;
  }

  function refreshPending() {
    var pending = 0;
    var failing = false;
    questions.forEach(function (q) {
      if (isDirty(q) || q.inFlight) {
        pending += 1;
      }
      if (q.failures >= ALERT_AFTER_FAILURES) {
        failing = true;
      }
    });
    form.setAttribute('data-pending', String(locked ? 0 : pending));
    setAlert('retry', failing && !locked ? RETRY_MESSAGE : '');
    if (!questions.some(function (q) { return q.retryTimer || q.failures > 0; })) {
      navWarned = false;
      setAlert('nav', '');
    }
    if (!questions.some(function (q) { return q.conflicted; })) {
      setAlert('conflict', '');
    }
    if (!questions.some(function (q) { return q.inFlight || q.commentTimer; })) {
      var waiters = idleWaiters;
      idleWaiters = [];
      waiters.forEach(function (fn) { fn(); });
    }
  }

  function noteRevision(q, revision) {
    if (typeof revision !== 'number' || !isFinite(revision)) {
      return;
    }
    q.revision = revision;
    if (pageRevision === null || revision > pageRevision) {
      pageRevision = revision;
      form.setAttribute('data-revision', String(revision));
      var hidden = form.querySelector('input[type="hidden"][name="revision"]');
      if (hidden) {
        hidden.value = String(revision);
      }
    }
  }

  // ---------------------------------------------------------------- state

  function checkedRadio(q) {
    for (var i = 0; i < q.radios.length; i += 1) {
      if (q.radios[i].checked) {
        return q.radios[i];
      }
    }
    return null;
  }

  // The body for the question's current inputs, or null when there is no
  // answer to send (no radio chosen and N/A unticked).
  function currentBody(q) {
    var body = { questionnaire: q.questionnaire, question: q.question };
    var radio = checkedRadio(q);
    if (q.na && q.na.checked) {
      body.na = true;
    } else if (q.field && q.scale === 'text') {
      body.text = q.field.value;
    } else if (q.field && q.field.value.trim() !== '') {
      body.value = Number(q.field.value.trim().replace(',', '.'));
    } else if (q.field) {
      return null;
    } else if (radio && q.likert) {
      body.value = parseInt(radio.value, 10);
    } else if (radio) {
      body.option = radio.value;
    } else {
      return null;
    }
    if (q.comment) {
      body.comment = q.comment.value;
    }
    if (q.revision !== null) {
      body.revision = q.revision;
    }
    return body;
  }

  function sameAnswer(current, body) {
    if (!current || !body) {
      return false;
    }
    var na = Boolean(current.na);
    if (na !== Boolean(body.na)) {
      return false;
    }
    if (!na && (current.option || null) !== (body.option || null)) {
      return false;
    }
    if (!na && (typeof current.value === 'number' ? current.value : null) !==
        (typeof body.value === 'number' ? body.value : null)) {
      return false;
    }
    if (!na && (current.text || '') !== (body.text || '')) {
      return false;
    }
    return body.comment === undefined || (current.comment || '') === body.comment;
  }

  function applyCurrent(q, current) {
    var answer = current || {};
    var wanted = answer.option !== undefined && answer.option !== null ? String(answer.option)
      : (typeof answer.value === 'number' ? String(answer.value) : null);
    Array.prototype.forEach.call(q.radios, function (radio) {
      radio.checked = !answer.na && wanted !== null && radio.value === wanted;
    });
    if (q.na) {
      q.na.checked = Boolean(answer.na);
    }
    if (q.field) {
      q.field.value = answer.na ? '' : (q.scale === 'text' ? (answer.text || '')
        : (typeof answer.value === 'number' ? String(answer.value) : ''));
      countText(q.field);
    }
    if (q.comment) {
      q.comment.value = typeof answer.comment === 'string' ? answer.comment : '';
    }
  }

  function clearInvalid(q) {
    if (q.comment) {
      q.comment.removeAttribute('aria-invalid');
    }
  }

  // A text answer's live character count (textarea[data-counter]).
  function countText(field) {
    var id = field.getAttribute('data-counter');
    var out = id ? document.getElementById(id) : null;
    var n = out ? out.querySelector('[data-count]') : null;
    if (n) {
      n.textContent = String(Array.from(field.value).length);
    }
  }

  // ------------------------------------------------------------- sending

  function changed(q) {
    q.changeSeq += 1;
    refreshPending();
  }

  // Send the question now unless a request is in flight (it resends when it
  // finishes) or a retry is already scheduled (it reads the latest inputs).
  function flush(q, keepalive) {
    if (q.commentTimer) {
      window.clearTimeout(q.commentTimer);
      q.commentTimer = 0;
    }
    if (locked || q.inFlight || q.retryTimer || !isDirty(q)) {
      refreshPending();
      return;
    }
    send(q, keepalive);
  }

  function send(q, keepalive) {
    var body = currentBody(q);
    if (!body) {
      var hasComment = q.comment && q.comment.value.trim() !== '';
      setStatus(q, '', hasComment
        ? msg('needcomment', 'Choose an answer or “Not applicable” to save your comment.')
        : msg('need', 'Choose an answer to save this question.'));
      refreshPending();
      return;
    }
    q.inFlight = true;
    q.sentSeq = q.changeSeq;
    q.sentBody = body;
    setStatus(q, 'saving', msg('saving', 'Saving…'));
    refreshPending();

    var controller = window.AbortController ? new window.AbortController() : null;
    var timeout = controller ? window.setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : 0;

    window.fetch(endpoint, {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
      body: JSON.stringify(body),
      keepalive: Boolean(keepalive),
      signal: controller ? controller.signal : undefined
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        window.clearTimeout(timeout);
        handleResponse(q, res.status, data || {});
      });
    }).catch(function () {
      window.clearTimeout(timeout);
      retryLater(q);
    });
  }

  function handleResponse(q, status, data) {
    q.inFlight = false;
    if (status >= 200 && status < 300) {
      saved(q, data.revision);
    } else if (status === 409) {
      conflict(q, data);
    } else if (status === 401 || status === 403 || status === 404 || status === 410) {
      lock(data.error || msg('invalid', 'This survey link is no longer valid, so answers cannot be saved.'));
    } else if (status === 429 || status >= 500) {
      retryLater(q);
      return;
    } else {
      rejected(q, data);
    }
    refreshPending();
  }

  function saved(q, revision) {
    q.failures = 0;
    q.conflicted = false;
    q.savedSeq = q.sentSeq;
    noteRevision(q, revision);
    noteAnswered(q);
    clearInvalid(q);
    if (locked) {
      return;
    }
    if (isDirty(q) && !q.commentTimer) {
      send(q);
      return;
    }
    if (!q.commentTimer) {
      setStatus(q, 'saved', msg('saved', 'Saved'));
    }
  }

  function conflict(q, data) {
    q.failures = 0;
    var sent = q.sentBody ? q.sentBody.revision : undefined;
    var stale = Object.prototype.hasOwnProperty.call(data, 'current') &&
      typeof data.revision === 'number' &&
      (typeof sent !== 'number' || data.revision > sent);
    if (!stale) {
      if (data.current !== undefined) {
        applyCurrent(q, data.current);
      }
      lock(data.error || msg('locked', 'This survey can no longer be changed.'));
      return;
    }
    if (sameAnswer(data.current, q.sentBody)) {
      // An earlier attempt of this very write was stored (e.g. its reply was lost).
      saved(q, data.revision);
      return;
    }
    if (q.commentTimer) {
      window.clearTimeout(q.commentTimer);
      q.commentTimer = 0;
    }
    applyCurrent(q, data.current);
    noteRevision(q, data.revision);
    noteAnswered(q);
    q.savedSeq = q.changeSeq;
    q.conflicted = true;
    setStatus(q, 'error', data.error || msg('changed', 'Changed in another window or on another device.'));
    setAlert('conflict', msg('conflict', 'Your answer to “{title}” was changed in another ' +
      'window or on another device. The page now shows the saved answer; change it again if you need to.')
      .replace('{title}', questionTitle(q)));
  }

  function rejected(q, data) {
    q.failures = 0;
    if (data.field === 'comment' && q.comment) {
      q.comment.setAttribute('aria-invalid', 'true');
    }
    setStatus(q, 'error', data.error || msg('rejected', 'This answer was not accepted.'));
  }

  function retryLater(q) {
    q.inFlight = false;
    q.failures += 1;
    if (locked) {
      refreshPending();
      return;
    }
    var base = Math.min(30000, 1000 * Math.pow(2, Math.min(q.failures - 1, 5)));
    var delay = Math.min(30000, Math.round(base * (0.8 + Math.random() * 0.4)));
    setStatus(q, 'error', msg('retrying', 'Not saved — retrying'));
    q.retryTimer = window.setTimeout(function () {
      q.retryTimer = 0;
      if (isDirty(q) && !q.inFlight && !locked) {
        send(q);
      }
    }, delay);
    refreshPending();
  }

  function lock(message) {
    locked = true;
    form.classList.add('is-readonly');
    questions.forEach(function (q) {
      window.clearTimeout(q.commentTimer);
      window.clearTimeout(q.retryTimer);
      q.commentTimer = 0;
      q.retryTimer = 0;
      q.failures = 0;
      setStatus(q, '', '');
      Array.prototype.forEach.call(q.el.querySelectorAll('input, textarea, select'), function (input) {
        input.disabled = true;
      });
    });
    setAlert('retry', '');
    setAlert('locked', message);
    refreshPending();
  }

  // -------------------------------------------------------------- events

  form.addEventListener('change', function (event) {
    var target = event.target;
    var q = questionOf(target);
    if (!q || locked) {
      return;
    }
    if (target.type === 'radio' && target.checked) {
      if (q.na) {
        q.na.checked = false;
      }
    } else if (target === q.na && q.na.checked) {
      Array.prototype.forEach.call(q.radios, function (radio) { radio.checked = false; });
    } else if (q.field && target === q.na && q.na.checked) {
      q.field.value = '';
      countText(q.field);
    } else if (target === q.comment || target === q.field) {
      // "change" on a textarea fires on blur; typing already marked it changed.
      flush(q);
      return;
    } else if (target !== q.na) {
      return;
    }
    changed(q);
    flush(q);
  });

  form.addEventListener('input', function (event) {
    var q = questionOf(event.target);
    if (q && q.field && event.target === q.field) {
      countText(q.field);
      if (q.na) {
        q.na.checked = false;
      }
    }
    if (!q || locked || (event.target !== q.comment && event.target !== q.field)) {
      return;
    }
    changed(q);
    window.clearTimeout(q.commentTimer);
    q.commentTimer = window.setTimeout(function () {
      q.commentTimer = 0;
      flush(q);
    }, COMMENT_DELAY_MS);
  });

  form.addEventListener('focusout', function (event) {
    var q = questionOf(event.target);
    if (q && (event.target === q.comment || event.target === q.field) && q.commentTimer) {
      flush(q);
    }
  });

  // Phones switch apps without unloading: save typed comments when hidden.
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') {
      questions.forEach(function (q) {
        if (q.commentTimer) {
          flush(q, true);
        }
      });
    }
  });

  window.addEventListener('online', function () {
    questions.forEach(function (q) {
      if (q.retryTimer) {
        window.clearTimeout(q.retryTimer);
        q.retryTimer = 0;
        flush(q);
      }
    });
  });

  window.addEventListener('beforeunload', function (event) {
    if (locked || navigating) {
      return undefined;
    }
    var unsaved = questions.some(function (q) {
      return q.inFlight || q.commentTimer || q.retryTimer || isDirty(q);
    });
    if (!unsaved) {
      return undefined;
    }
    event.preventDefault();
    event.returnValue = '';
    return '';
  });

  window.addEventListener('pageshow', function () {
    navigating = false;
  });

  function resubmit(submitter) {
    navigating = true;
    if (form.requestSubmit) {
      if (submitter && submitter.form === form) {
        form.requestSubmit(submitter);
      } else {
        form.requestSubmit();
      }
      return;
    }
    if (submitter && submitter.name) {
      var hidden = document.createElement('input');
      hidden.type = 'hidden';
      hidden.name = submitter.name;
      hidden.value = submitter.value;
      form.appendChild(hidden);
    }
    form.submit();
  }

  form.addEventListener('submit', function (event) {
    if (navigating || locked) {
      navigating = true;
      return;
    }
    questions.forEach(function (q) {
      if (q.commentTimer) {
        flush(q);
      }
    });
    var failing = questions.some(function (q) { return q.retryTimer || q.failures > 0; });
    if (failing && !navWarned) {
      event.preventDefault();
      navWarned = true;
      setAlert('nav', msg('unsaved', 'Some answers on this page are not saved yet. Check your connection and wait ' +
        'for “Saved”, or press the button again to continue anyway.'));
      return;
    }
    var busy = questions.some(function (q) { return q.inFlight; });
    if (!busy) {
      navigating = true;
      return;
    }
    event.preventDefault();
    var submitter = event.submitter || null;
    var done = false;
    var go = function () {
      if (!done) {
        done = true;
        resubmit(submitter);
      }
    };
    idleWaiters.push(go);
    window.setTimeout(go, NAV_WAIT_MS);
  });

  refreshPending();

  // A page posted with questions that need attention opens on its error
  // summary (autofocus does not reach a <div> in every browser).
  if (alertEl.hasAttribute('data-summary') && alertEl.textContent.trim() !== '') {
    alertEl.focus();
  }
}());
