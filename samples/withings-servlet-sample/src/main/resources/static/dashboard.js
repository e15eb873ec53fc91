// The dashboard reloads itself when a Withings notification for the signed-in user was handled:
// the server sends a "notification" event on /dashboard/updates (Server-Sent Events).
(function () {
	var panel = document.getElementById('notifications');
	if (!panel || panel.dataset.enabled !== 'true' || !window.EventSource) {
		return;
	}
	var live = document.getElementById('live');
	var updates = new EventSource('/dashboard/updates?after=' + encodeURIComponent(panel.dataset.after));
	var opened = 0;
	updates.onopen = function () {
		opened++;
		panel.dataset.opened = String(opened);
		panel.dataset.live = 'open';
		live.textContent = 'on: this page updates by itself when Withings notifies';
	};
	updates.onerror = function () {
		panel.dataset.live = 'closed';
		live.textContent = 'interrupted: reconnecting';
	};
	updates.addEventListener('notification', function () {
		updates.close();
		window.location.reload();
	});
})();
