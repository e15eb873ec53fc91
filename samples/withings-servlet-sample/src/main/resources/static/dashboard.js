// The dashboard reloads itself when a Withings notification for the signed-in user was received
// ("notification") or the data sync stored new weights ("synced"): the server sends the event on
// /dashboard/updates (Server-Sent Events). When the
// stream is refused for good (the session ended: a restart, a sign-out in another tab), the server
// answers 401, EventSource stops, and the page reloads: it then shows the sign-in page.
(function () {
	var panel = document.getElementById('notifications');
	if (!panel || !window.EventSource) {
		return;
	}
	var live = document.getElementById('live');
	var updates = new EventSource('/dashboard/updates?after=' + encodeURIComponent(panel.dataset.after));
	var opened = 0;
	// leaving the page ends the stream too (CLOSED): that is no sign-out
	var leaving = false;
	window.addEventListener('beforeunload', function () {
		leaving = true;
	});
	updates.onopen = function () {
		opened++;
		panel.dataset.opened = String(opened);
		panel.dataset.live = 'open';
		live.textContent = 'on: this page updates by itself when Withings notifies and when the sync brings new weights';
	};
	updates.onerror = function () {
		if (leaving) {
			return;
		}
		if (updates.readyState === EventSource.CLOSED) {
			panel.dataset.live = 'ended';
			// reload once; a page reloaded this way less than 10 s ago only says so (no reload loop)
			var last = Number(sessionStorage.getItem('withings-sample-stream-reload') || 0);
			if (Date.now() - last > 10000) {
				sessionStorage.setItem('withings-sample-stream-reload', String(Date.now()));
				live.textContent = 'ended: you are signed out, reloading';
				window.location.reload();
			}
			else {
				live.textContent = 'ended: reload the page to sign in again';
			}
			return;
		}
		panel.dataset.live = 'closed';
		live.textContent = 'interrupted: reconnecting';
	};
	function reload() {
		if (leaving) {
			return;
		}
		updates.close();
		window.location.reload();
	}
	updates.addEventListener('notification', reload);
	updates.addEventListener('synced', reload);
})();
