// Live updates without reloading: every element with data-refresh is fetched again every few seconds and
// replaced when it changed (the inbox's rows, a conversation's messages). The server renders the fragments with
// the same escaping as the page. A session that ended sends the browser back to the sign-in form. The script
// builds no URL of its own: it fetches the one the server wrote into data-refresh (aftercare/staff/links.py), and
// these fetches do not count as staff activity, so an open tab still signs out after an idle hour.
const REFRESH_MS = 2000;

for (const region of document.querySelectorAll('[data-refresh]')) {
  let shown = null;
  // A conversation's messages stay scrolled to the newest unless staff scrolled up to read.
  const scroller = () => region.querySelector('.transcript');
  if (scroller()) scroller().scrollTop = scroller().scrollHeight;
  const refresh = async () => {
    try {
      const answer = await fetch(region.dataset.refresh, { credentials: 'same-origin', cache: 'no-store' });
      if (answer.status === 401) {
        window.location.assign('/sign-in');
        return;
      }
      if (!answer.ok) return;
      const html = await answer.text();
      if (html === shown) return;
      shown = html;
      const before = scroller();
      const atEnd = !before || before.scrollTop + before.clientHeight >= before.scrollHeight - 40;
      const offset = before ? before.scrollTop : 0;
      region.innerHTML = html;
      const after = scroller();
      if (after) after.scrollTop = atEnd ? after.scrollHeight : offset;
      updateTitle();
    } catch {
      // Offline for a moment: the next refresh tries again.
    }
  };
  setInterval(refresh, REFRESH_MS);
}

// The tab's title counts the conversations nobody has answered yet, so a new one shows in a background tab.
function updateTitle() {
  const waiting = document.querySelectorAll('.inbox tr.status-new').length;
  const base = document.title.replace(/^\(\d+\) /, '');
  document.title = waiting ? `(${waiting}) ${base}` : base;
}
updateTitle();
