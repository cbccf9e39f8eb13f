import QuayCore

/// The console's style and script, served from quayd itself: the school may have no internet.
enum Assets {
    /// Readable on a 1366×768 screen; large type for the desk's outcome; focus always visible.
    static let css = """
        * { box-sizing: border-box; }
        body { margin: 0; font-family: "DejaVu Sans", sans-serif; font-size: 18px; color: #1b1b1b; background: #f4f5f2; }
        header { display: flex; gap: 1em; align-items: center; padding: .5em 1em; background: #23413a; color: #fff; }
        header a, header button { color: #fff; }
        header .school { font-weight: bold; margin-right: auto; }
        nav { display: flex; flex-wrap: wrap; gap: .3em 1em; align-items: center; }
        main { max-width: 1300px; margin: 0 auto; padding: 1em; }
        h1 { font-size: 1.4em; margin: .2em 0 .6em; }
        .card { background: #fff; border: 1px solid #ccd; border-radius: 6px; padding: 1em; margin-bottom: 1em; max-width: 40em; }
        #login { display: grid; gap: .5em; }
        input, button { font: inherit; padding: .35em .6em; }
        button { cursor: pointer; border: 1px solid #23413a; background: #e8efe9; border-radius: 4px; }
        header button { background: transparent; border-color: #fff; }
        :focus-visible { outline: 3px solid #e0a800; outline-offset: 2px; }
        form.inline { display: inline; }
        .modes button.on { background: #23413a; color: #fff; }
        .modes { display: flex; flex-wrap: wrap; gap: .4em; margin-bottom: 1em; }
        .outcome { font-size: 2.2em; font-weight: bold; padding: .4em .6em; border-radius: 6px; background: #e6e6e6; margin: .4em 0; }
        .outcome.ok { background: #d7f0dc; color: #0b5d1e; }
        .outcome.error { background: #fbd9d7; color: #9b1c14; }
        .outcome.warning { background: #fff0c2; color: #6b4e00; }
        .scan { display: flex; gap: .5em; align-items: center; flex-wrap: wrap; }
        .scan input { font-size: 1.4em; width: 16em; }
        .log { list-style: none; padding: 0; }
        .log li { padding: .2em 0; border-bottom: 1px solid #dde; }
        .log li.error { color: #9b1c14; }
        .log li.ok { color: #0b5d1e; }
        .loans .overdue { color: #9b1c14; font-weight: bold; }
        .name { font-size: 1.3em; font-weight: bold; margin: 0; }
        .grid { display: grid; grid-template-columns: max-content 1fr; gap: .4em .8em; align-items: center; }
        .grid button { grid-column: 2; justify-self: start; }
        #done { max-width: none; }
        #done .outcome { font-size: 1.5em; }
        .labels { display: flex; flex-wrap: wrap; gap: 1em; }
        .label img { border: 1px solid #999; background: #fff; image-rendering: pixelated; }
        .label figcaption { text-align: center; }
        .reports { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(30em, 1fr)); gap: .5em; }
        .reports .card { margin: 0; max-width: none; }
        .reports h2 { font-size: 1.1em; margin: 0 0 .3em; }
        .tiles { display: flex; flex-wrap: wrap; gap: .6em; margin: .6em 0; }
        .tile { background: #fff; border: 1px solid #ccd; border-radius: 6px; padding: .4em .8em; min-width: 8em; }
        .tile span { display: block; font-size: .8em; color: #444; }
        .tile b { font-size: 1.8em; }
        table.table { border-collapse: collapse; background: #fff; margin-bottom: 1em; }
        .table caption { text-align: left; font-weight: bold; padding: .3em 0; }
        .table th, .table td { border: 1px solid #ccd; padding: .25em .6em; text-align: right; }
        .table th[scope=row], .table thead th { text-align: left; }
        .table td.warn { background: #fff0c2; font-weight: bold; }
        textarea { font: inherit; width: 100%; }
        .reports .wide { grid-column: 1 / -1; }
        .chart img { max-width: 100%; background: #fff; border: 1px solid #ccd; }
        .search { display: flex; gap: .5em; align-items: center; margin-bottom: 1em; }
        .search input { width: 24em; }
        table { border-collapse: collapse; background: #fff; margin-bottom: 1em; width: 100%; }
        th, td { border: 1px solid #ccd; padding: .3em .5em; text-align: left; vertical-align: top; }
        th { background: #e8efe9; }
        .columns .grid { grid-template-columns: minmax(8em, max-content) minmax(0, 1fr); }
        .columns .grid input, .columns .grid select { width: 100%; min-width: 0; }
        .columns h2, section > h2 { font-size: 1.15em; }
        .columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(28em, 1fr)); gap: 1em; align-items: start; }
        .columns > .card, .columns > div > .card { max-width: none; }
        .facts { display: grid; grid-template-columns: max-content 1fr; gap: .3em .8em; margin-top: 0; }
        .facts dt { font-weight: bold; }
        .facts dd { margin: 0; }
        .grid h2, .card h2 { font-size: 1.1em; margin: 0 0 .4em; grid-column: 1 / -1; }
        .grid .hint { grid-column: 1 / -1; }
        select { font: inherit; padding: .3em; }
        .changes { margin: 0; padding-left: 1.1em; }
        del { color: #9b1c14; }
        ins { color: #0b5d1e; text-decoration: none; }
        .row-edit { display: flex; flex-wrap: wrap; gap: .3em; align-items: center; }
        .row-edit input { width: 8em; }
        .overdue { color: #9b1c14; font-weight: bold; }
        .outcome#notice, .outcome#problem { font-size: 1.3em; }
        .hint, .empty { color: #555; }
        h2 { font-size: 1.15em; margin: 1em 0 .4em; }
        .links { display: flex; gap: 1em; flex-wrap: wrap; }
        table.list { border-collapse: collapse; background: #fff; margin-bottom: 1em; }
        table.list th, table.list td { border: 1px solid #ccd; padding: .25em .5em; text-align: left; vertical-align: top; }
        table.list th { background: #e8efe9; }
        table.list td.number { text-align: right; }
        table.list tr.overdue td { color: #9b1c14; font-weight: bold; }
        dl.grid dt { font-weight: bold; }
        dl.grid dd { margin: 0; }
        td.state.waiting, dd.error { color: #9b1c14; }
        td.state.ready { color: #0b5d1e; }
        #take { display: inline-block; margin: 0 1em 1em 0; }
        """

    /// The class-list import's one live part: the chosen file's bytes posted as they are (with
    /// the session's `X-CSRF-Token`), then the preview the server redirects to, shown in place.
    static let uploadScript = """
        (function () {
          const form = document.getElementById('upload');
          const csrf = document.querySelector('meta[name=csrf]').content;
          const said = document.getElementById('sending');
          const vi = document.documentElement.lang === 'vi';
          form.addEventListener('submit', function (event) {
            event.preventDefault();
            const file = document.getElementById('file').files[0];
            if (!file) { return; }
            said.textContent = vi ? 'Đang gửi tệp…' : 'Sending the file…';
            fetch(form.action, { method: 'POST', body: file, credentials: 'same-origin', headers: { 'Content-Type': 'application/octet-stream', 'X-CSRF-Token': csrf } })
              .then(function (response) {
                return response.text().then(function (html) {
                  document.open(); document.write(html); document.close();
                  if (response.redirected) { history.replaceState(null, '', response.url); }
                });
              })
              .catch(function () { said.textContent = vi ? 'Không gửi được tệp' : 'The file could not be sent'; });
          });
        })();
        """

    /// The desk screen's live part: each scan's one outcome from the desk's events (steps left
    /// out, as `quay watch` does), a sound, the borrower's panel redrawn from the server; the
    /// scan field posted without leaving the page, so a keyboard-wedge scanner can type into it.
    static let deskScript = """
        (function () {
          const steps = new Set(\(stepsArray));
          const section = document.getElementById('desk');
          const desk = section.dataset.desk;
          const csrf = document.querySelector('meta[name=csrf]').content;
          const vi = document.documentElement.lang === 'vi';
          const outcome = document.getElementById('outcome');
          const log = document.getElementById('log');
          const borrower = document.getElementById('borrower');
          const field = document.getElementById('code');
          let card = null;
          let audio = null;
          function beep(ok) {
            try {
              audio = audio || new AudioContext();
              const tone = audio.createOscillator();
              const gain = audio.createGain();
              tone.frequency.value = ok ? 880 : 220;
              gain.gain.value = 0.2;
              tone.connect(gain); gain.connect(audio.destination);
              tone.start(); tone.stop(audio.currentTime + (ok ? 0.08 : 0.35));
            } catch (e) {}
          }
          function showBorrower() {
            if (!card) { return; }
            fetch('/desk/borrower?card=' + encodeURIComponent(card), { credentials: 'same-origin' })
              .then(function (r) { return r.text(); })
              .then(function (html) { borrower.innerHTML = html; });
          }
          const events = new EventSource('/events');
          events.onmessage = function (message) {
            let line;
            try { line = JSON.parse(message.data); } catch (e) { return; }
            const data = line.data || {};
            if (!line.event || line.event.indexOf('desk.') !== 0 || data.desk !== desk || steps.has(data.outcome)) { return; }
            const words = (vi ? data.vi : data.en) || data.message || '';
            const level = data.level === 'error' ? 'error' : data.level === 'warning' ? 'warning' : 'ok';
            outcome.textContent = words;
            outcome.className = 'outcome ' + level;
            outcome.dataset.outcome = data.outcome || '';
            const item = document.createElement('li');
            item.className = level;
            item.dataset.outcome = data.outcome || '';
            item.textContent = (data.scan ? data.scan + ' — ' : '') + words;
            log.insertBefore(item, log.firstChild);
            while (log.children.length > 12) { log.removeChild(log.lastChild); }
            beep(level === 'ok');
            if (data.outcome === 'session_opened') { card = data.scan; }
            if (data.outcome === 'session_ended') { card = null; borrower.textContent = vi ? 'Chưa có bạn đọc: quét thẻ' : 'No borrower: scan a card'; }
            showBorrower();
          };
          document.getElementById('scan').addEventListener('submit', function (event) {
            event.preventDefault();
            const body = new URLSearchParams();
            body.set('csrf', csrf);
            body.set('desk', desk);
            body.set('code', event.submitter && event.submitter.id === 'undo' ? 'QUAY:UNDO' : field.value);
            field.value = '';
            field.focus();
            fetch('/desk/scan', { method: 'POST', body: body, credentials: 'same-origin', headers: { 'Accept': 'application/json', 'X-CSRF-Token': csrf } });
          });
        })();
        """

    /// The inventory page's live part: redrawn from the server when a desk's scan or an
    /// `inventory.scan` request arrives (at most twice a second, however fast the scans).
    static let inventoryScript = """
        (function () {
          const live = document.getElementById('live');
          let waiting = false;
          function redraw() {
            waiting = false;
            fetch('/inventory/live', { credentials: 'same-origin' })
              .then(function (r) {
                // The session ended (logged out, or idle): the login page, not into the panel.
                if (r.redirected) { window.location.reload(); return null; }
                return r.ok ? r.text() : null;
              })
              .then(function (html) { if (html !== null) { live.innerHTML = html; live.dataset.redrawn = String(Date.now()); } });
          }
          const events = new EventSource('/events?topics=desk,inventory');
          events.onmessage = function () {
            if (waiting) { return; }
            waiting = true;
            setTimeout(redraw, 500);
          };
        })();
        """

    /// The desk outcomes that are steps, not a scan's outcome (`DeskOutcome.isStep`), as a JavaScript array.
    static var stepsArray: String {
        "[" + DeskOutcome.allCases.filter(\.isStep).map { "'\($0.rawValue)'" }.joined(separator: ", ") + "]"
    }
}
