// Live updates without reloading: every element with data-refresh is fetched again every few seconds and
// replaced when it changed (the inbox's rows, a conversation's messages). The server renders the fragments with
// the same escaping as the page. A session that ended sends the browser back to the sign-in form.
const REFRESH_MS = 2000;

for (const region of document.querySelectorAll('[data-refresh]')) {
  let shown = region.innerHTML;
  const follow = region.classList.contains('transcript');
  if (follow) region.scrollTop = region.scrollHeight;
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
      const atEnd = region.scrollTop + region.clientHeight >= region.scrollHeight - 40;
      region.innerHTML = html;
      if (follow && atEnd) region.scrollTop = region.scrollHeight;
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
