package io.github.springwithings.sample.servlet;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live updates of the open dashboards, as Server-Sent Events: each dashboard opens
 * {@code /dashboard/updates} and gets a {@code notification} event when a notification for its
 * user was handled; its script then reloads the page. A notification handled while the page was
 * loading (newer than the one the page shows) is sent at once on connect, so none is missed.
 */
@Component
class DashboardUpdates {

	/** Then the browser connects again by itself (EventSource). */
	private static final Duration TIMEOUT = Duration.ofMinutes(10);

	/** How soon the browser connects again when a stream ended. */
	private static final Duration RECONNECT = Duration.ofSeconds(1);

	private final LatestNotifications latest;

	private final Map<String, Set<SseEmitter>> emitters = new ConcurrentHashMap<>();

	DashboardUpdates(LatestNotifications latest) {
		this.latest = latest;
	}

	/**
	 * A stream of a user's updates.
	 * @param principalName the signed-in user
	 * @param after the sequence number of the newest notification the page shows
	 * @return the stream
	 */
	SseEmitter open(String principalName, long after) {
		SseEmitter emitter = new SseEmitter(TIMEOUT.toMillis());
		emitter.onTimeout(emitter::complete);
		emitter.onCompletion(() -> remove(principalName, emitter));
		emitter.onError((ex) -> remove(principalName, emitter));
		this.emitters.compute(principalName, (name, open) -> {
			Set<SseEmitter> all = (open != null) ? open : ConcurrentHashMap.newKeySet();
			all.add(emitter);
			return all;
		});
		// added first, checked second: a notification handled meanwhile is sent, at worst twice
		send(principalName, emitter, SseEmitter.event().comment("connected").reconnectTime(RECONNECT.toMillis()));
		this.latest.newest(principalName)
			.filter((newest) -> newest.sequence() > after)
			.ifPresent((newest) -> send(principalName, emitter, event(newest)));
		return emitter;
	}

	/**
	 * Tells the user's open dashboards.
	 * @param principalName the user
	 * @param notification the notification handled
	 */
	void push(String principalName, ReceivedNotification notification) {
		for (SseEmitter emitter : this.emitters.getOrDefault(principalName, Set.of())) {
			send(principalName, emitter, event(notification));
		}
	}

	/**
	 * Ends every stream (the browsers connect again), and on shutdown before the server's
	 * graceful shutdown waits for open requests.
	 */
	@EventListener(ContextClosedEvent.class)
	void closeAll() {
		this.emitters.values().forEach((open) -> open.forEach(SseEmitter::complete));
		this.emitters.clear();
	}

	private static SseEmitter.SseEventBuilder event(ReceivedNotification notification) {
		return SseEmitter.event()
			.name("notification")
			.id(Long.toString(notification.sequence()))
			.data(notification.category() + ": " + notification.fetched());
	}

	private void send(String principalName, SseEmitter emitter, SseEmitter.SseEventBuilder event) {
		try {
			emitter.send(event);
		}
		catch (IOException | IllegalStateException ex) {
			// the browser went away (the container ends the request) or the stream ended: forget it
			remove(principalName, emitter);
		}
	}

	private void remove(String principalName, SseEmitter emitter) {
		this.emitters.computeIfPresent(principalName, (name, open) -> {
			open.remove(emitter);
			return open.isEmpty() ? null : open;
		});
	}

}
