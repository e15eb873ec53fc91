package io.github.springwithings.sample.webflux;

import java.time.Duration;

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
 * user was handled; its script then reloads the page. One sink for all users, each stream
 * filtered to its user; nothing blocks (events may be pushed from an event loop). A notification
 * handled while the page was loading (newer than the one the page shows) is sent at once on
 * connect, so none is missed.
 */
@Component
class DashboardUpdates {

	/** How soon the browser connects again when a stream ended. */
	private static final Duration RECONNECT = Duration.ofSeconds(1);

	private final LatestNotifications latest;

	// a slow browser misses an event rather than holding up the others: the next page load catches up
	private volatile Sinks.Many<Update> sink = Sinks.many().multicast().directBestEffort();

	DashboardUpdates(LatestNotifications latest) {
		this.latest = latest;
	}

	/**
	 * A stream of a user's updates.
	 * @param principalName the signed-in user
	 * @param after the sequence number of the newest notification the page shows
	 * @return the stream
	 */
	Flux<ServerSentEvent<String>> stream(String principalName, long after) {
		Flux<ReceivedNotification> live = this.sink.asFlux()
			.filter((update) -> update.principalName().equals(principalName))
			.map(Update::notification);
		// subscribed after the live stream (merge subscribes in order): at worst sent twice
		Mono<ReceivedNotification> missed = Mono.fromSupplier(() -> this.latest.newest(principalName)
			.filter((newest) -> newest.sequence() > after)
			.orElse(null));
		return Flux.merge(live, missed)
			.map(DashboardUpdates::event)
			.startWith(ServerSentEvent.<String>builder().comment("connected").retry(RECONNECT).build());
	}

	/**
	 * Tells the user's open dashboards.
	 * @param principalName the user
	 * @param notification the notification handled
	 */
	void push(String principalName, ReceivedNotification notification) {
		// a sink takes one emitter at a time; a monitor held for an emit never waits on I/O
		synchronized (this) {
			this.sink.tryEmitNext(new Update(principalName, notification));
		}
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

	private static ServerSentEvent<String> event(ReceivedNotification notification) {
		return ServerSentEvent.<String>builder()
			.event("notification")
			.id(Long.toString(notification.sequence()))
			.data(notification.category() + ": " + notification.fetched())
			.build();
	}

	private record Update(String principalName, ReceivedNotification notification) {
	}

}
