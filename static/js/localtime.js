/*
 * localtime.js: shows server times in the reader's own time zone.
 *
 * Markup contract (the "localtime" template function writes it):
 *   <time datetime="2026-03-05T14:07:00Z" data-local>2026-03-05 14:07 UTC</time>
 * The text stays in UTC without JavaScript; with it, the text becomes the
 * same instant in the browser's time zone, with the zone's name
 * ("5 Mar 2026, 15:07 CET"), and the title keeps the UTC time.
 */
(function () {
  'use strict';

  function localize() {
    if (!window.Intl || !Intl.DateTimeFormat) {
      return;
    }
    // A page in another language than English shows its times in that
    // language; English pages keep the reader's own locale.
    var lang = document.documentElement.lang;
    var format = new Intl.DateTimeFormat(lang && lang !== 'en' ? lang : undefined, {
      year: 'numeric', month: 'short', day: 'numeric',
      hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short'
    });
    Array.prototype.forEach.call(document.querySelectorAll('time[data-local][datetime]'), function (el) {
      var when = new Date(el.getAttribute('datetime'));
      if (isNaN(when.getTime())) {
        return;
      }
      if (!el.title) {
        el.title = el.textContent;
      }
      el.textContent = format.format(when);
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', localize);
  } else {
    localize();
  }
}());
