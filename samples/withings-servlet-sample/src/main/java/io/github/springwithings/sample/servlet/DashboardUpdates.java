package io.github.springwithings.sample.servlet;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.github.springwithings.oauth2.client.WithingsLinkEvent;
import io.github.springwithings.oauth2.client.WithingsUserDisconnectedEvent;
import io.github.springwithings.oauth2.client.WithingsUserLostEvent;

import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live updates of the open dashboards, as Server-Sent Events: each dashboard opens
 * {@code /dashboard/updates} and gets a {@code notification} event when a notification for its
 * user was received, a {@code synced} event when the data sync stored new weights; its script
 * then reloads the page. Updates are numbered: an update pushed while the page was loading (newer
 * than the one the page was rendered after) is sent at once on connect, so none is missed.
 */
@Component
class DashboardUpdates {

	/** A notification received ({@link NotificationListener}). */
	static final String NOTIFICATION = "notification";

	/** New weights stored from the data sync ({@link SyncedWeights}). */
	static final String SYNCED = "synced";

	/** Then the browser connects again by itself (EventSource). */
	private static final Duration TIMEOUT = Duration.ofMinutes(10);

	/** How soon the browser connects again when a stream ended. */
	private static final Duration RECONNECT = Duration.ofSeconds(1);

	private final AtomicLong sequence = new AtomicLong();

	private final Map<String, Set<SseEmitter>> emitters = new ConcurrentHashMap<>();

	/** Each user's newest update. */
	private final Map<String, Update> newest = new ConcurrentHashMap<>();

	/**
	 * A stream of a user's updates.
	 * @param principalName the signed-in user
	 * @param after the number of the newest update the page was rendered after ({@link #newest})
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
		// added first, checked second: an update pushed meanwhile is sent, at worst twice
		send(principalName, emitter, SseEmitter.event().comment("connected").reconnectTime(RECONNECT.toMillis()));
		Update update = this.newest.get(principalName);
		if (update != null && update.sequence() > after) {
			send(principalName, emitter, event(update));
		}
		return emitter;
	}

	/**
	 * The number of a user's newest update, read by the dashboard before its data: an update
	 * after it makes the page reload.
	 * @param principalName the user
	 * @return the number, {@code 0} when none
	 */
	long newest(String principalName) {
		Update update = this.newest.get(principalName);
		return (update != null) ? update.sequence() : 0;
	}

	/**
	 * Tells the user's open dashboards.
	 * @param principalName the user
	 * @param name what happened, {@link #NOTIFICATION} or {@link #SYNCED}
	 * @param data in words
	 */
	void push(String principalName, String name, String data) {
		Update update = new Update(this.sequence.incrementAndGet(), name, data);
		this.newest.put(principalName, update);
		for (SseEmitter emitter : this.emitters.getOrDefault(principalName, Set.of())) {
			send(principalName, emitter, event(update));
		}
	}

	@EventListener({ WithingsUserDisconnectedEvent.class, WithingsUserLostEvent.class })
	void onLinkEnded(WithingsLinkEvent event) {
		this.newest.remove(event.user().principalName());
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

	private static SseEmitter.SseEventBuilder event(Update update) {
		return SseEmitter.event().name(update.name()).id(Long.toString(update.sequence())).data(update.data());
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

	private record Update(long sequence, String name, String data) {
	}

}
