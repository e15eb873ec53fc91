// Times in the viewer's time zone and language: every element with a data-epoch attribute (milliseconds)
// is written again from it, as a date and time ("Sun 8 Nov, 02:51"), a day ("8 Nov") or relative to now
// ("in 3 hours", "2 minutes ago", "just now"), as its data-style says. The server wrote the same in UTC,
// for a page whose script does not run. Relative times are written again every 30 seconds.
(function () {
	if (!window.Intl || !Intl.DateTimeFormat) {
		return;
	}
	var dateTime = new Intl.DateTimeFormat(undefined,
		{ weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
	var day = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
	var relative = Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }) : null;

	function inWords(epoch) {
		var seconds = (epoch - Date.now()) / 1000;
		var abs = Math.abs(seconds);
		if (abs < 45 || !relative) {
			return abs < 45 ? 'just now' : dateTime.format(new Date(epoch));
		}
		var sign = seconds < 0 ? -1 : 1;
		if (abs < 3600 - 30) {
			return relative.format(sign * Math.max(1, Math.round(abs / 60)), 'minute');
		}
		if (abs < 86400 - 1800) {
			return relative.format(sign * Math.round(abs / 3600), 'hour');
		}
		return relative.format(sign * Math.max(1, Math.round(abs / 86400)), 'day');
	}

	function write() {
		var elements = document.querySelectorAll('[data-epoch]');
		for (var i = 0; i < elements.length; i++) {
			var element = elements[i];
			var epoch = Number(element.getAttribute('data-epoch'));
			var date = new Date(epoch);
			var style = element.getAttribute('data-style');
			if (element.tagName.toLowerCase() === 'time') {
				element.setAttribute('title', dateTime.format(date));
			}
			if (style === 'relative') {
				element.textContent = inWords(epoch);
			}
			else if (style === 'date-time') {
				element.textContent = dateTime.format(date);
			}
			else if (style === 'day') {
				element.textContent = day.format(date);
			}
			else if (element.hasAttribute('data-kg')) {
				// a chart point: its tooltip, the date and the weight
				var title = element.querySelector('title');
				if (title) {
					title.textContent = dateTime.format(date) + ': ' + element.getAttribute('data-kg') + ' kg';
				}
			}
		}
		document.documentElement.setAttribute('data-times', 'local');
	}

	write();
	setInterval(write, 30000);
})();
