package io.github.springwithings.sample.webflux;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.github.springwithings.oauth2.client.WithingsLinkEvent;
import io.github.springwithings.oauth2.client.WithingsUserDisconnectedEvent;
import io.github.springwithings.oauth2.client.WithingsUserLostEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;

/**
 * Live updates of the open dashboards, as Server-Sent Events: each dashboard opens
 * {@code /dashboard/updates} and gets a {@code notification} event when a notification for its
 * user was received, a {@code synced} event when the data sync stored new weights; its script
 * then reloads the page. One sink for all users, each stream filtered to its user; nothing blocks
 * (events may be pushed from an event loop). Updates are numbered: an update pushed while the
 * page was loading (newer than the one the page was rendered after) is sent at once on connect,
 * so none is missed.
 */
@Component
class DashboardUpdates {

	/** A notification received ({@link NotificationListener}). */
	static final String NOTIFICATION = "notification";

	/** New weights stored from the data sync ({@link SyncedWeights}). */
	static final String SYNCED = "synced";

	/** How soon the browser connects again when a stream ended. */
	private static final Duration RECONNECT = Duration.ofSeconds(1);

	private final AtomicLong sequence = new AtomicLong();

	/** Each user's newest update. */
	private final Map<String, Update> newest = new ConcurrentHashMap<>();

	// a slow browser misses an event rather than holding up the others: the next page load catches up
	private volatile Sinks.Many<Update> sink = Sinks.many().multicast().directBestEffort();

	/**
	 * A stream of a user's updates.
	 * @param principalName the signed-in user
	 * @param after the number of the newest update the page was rendered after ({@link #newest})
	 * @return the stream
	 */
	Flux<ServerSentEvent<String>> stream(String principalName, long after) {
		Flux<Update> live = this.sink.asFlux().filter((update) -> update.principalName().equals(principalName));
		// subscribed after the live stream (merge subscribes in order): at worst sent twice
		Mono<Update> missed = Mono.fromSupplier(() -> {
			Update update = this.newest.get(principalName);
			return (update != null && update.sequence() > after) ? update : null;
		});
		return Flux.merge(live, missed)
			.map(DashboardUpdates::event)
			.startWith(ServerSentEvent.<String>builder().comment("connected").retry(RECONNECT).build());
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
		Update update = new Update(principalName, this.sequence.incrementAndGet(), name, data);
		this.newest.put(principalName, update);
		// a sink takes one emitter at a time; a monitor held for an emit never waits on I/O
		synchronized (this) {
			this.sink.tryEmitNext(update);
		}
	}

	@EventListener({ WithingsUserDisconnectedEvent.class, WithingsUserLostEvent.class })
	void onLinkEnded(WithingsLinkEvent event) {
		this.newest.remove(event.user().principalName());
	}

	/**
	 * Ends every open stream (the browsers connect again, to a new sink), and on shutdown before
	 * the server's graceful shutdown waits for open requests.
	 */
	@EventListener(ContextClosedEvent.class)
	void closeAll() {
		synchronized (this) {
			Sinks.Many<Update> ended = this.sink;
			this.sink = Sinks.many().multicast().directBestEffort();
			ended.tryEmitComplete();
		}
	}

	private static ServerSentEvent<String> event(Update update) {
		return ServerSentEvent.<String>builder()
			.event(update.name())
			.id(Long.toString(update.sequence()))
			.data(update.data())
			.build();
	}

	private record Update(String principalName, long sequence, String name, String data) {
	}

}
