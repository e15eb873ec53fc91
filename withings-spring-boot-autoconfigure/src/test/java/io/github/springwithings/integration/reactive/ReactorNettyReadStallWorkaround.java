package io.github.springwithings.integration.reactive;

import java.lang.reflect.Field;

/**
 * Works around a Reactor Netty 1.3.6 defect (Boot 4.0.7's version) that makes a WebFlux server
 * stop reading a keep-alive HTTP/1.1 connection: reactor/reactor-netty#4361, fixed by #4347 in
 * 1.3.8. {@link ReactorNettyReadStallTests} shows it without Spring.
 *
 * <p>How the end-to-end tests met it: an exchange whose response is completed off the event loop
 * (the sign-in callback finishes on the JDK HTTP client's thread after the code exchange, a data
 * call after the {@code WebClient} answer) is terminated by a task that can run after the
 * client's next request has already been read; that request is then queued ("Buffering
 * keep-alive request, previous ops not yet terminated"). When the queued request is answered
 * synchronously on the event loop (a redirect, a 404, {@code /me}), its operations terminate
 * before its queued {@code LastHttpContent} is replayed, {@code HttpTrafficHandler.resumeRead()}
 * sees that content still queued and schedules another drain instead of {@code ctx.read()}, and
 * the drain finds an empty queue: auto-read is off and no read is pending, so the request after
 * it stays in the socket's receive queue forever. Nothing is on any stack (the starter's code
 * included); the client waits for an answer that is never computed.
 *
 * <p>{@code reactor.netty.http.server.lastFlushWhenNoRead=true} makes Reactor Netty terminate the
 * previous operations when the next request arrives instead of queuing it, which closes that
 * route (not the one of clients that really pipeline requests, which none of these tests do). It
 * is read once, when Reactor Netty's {@code HttpTrafficHandler} class is initialized, so it must
 * be set before the first server connection of the JVM; {@link #apply()} checks that it took
 * effect. Remove this class once the build uses Reactor Netty 1.3.8 or later.
 */
final class ReactorNettyReadStallWorkaround {

	static final String PROPERTY = "reactor.netty.http.server.lastFlushWhenNoRead";

	/** {@code -Dwithings.test.read-stall-workaround=off} runs without it, to see the stall. */
	static final String SWITCH = "withings.test.read-stall-workaround";

	private ReactorNettyReadStallWorkaround() {
	}

	/** {@link #apply()}, unless turned off with {@value #SWITCH}{@code =off}. */
	static void applyUnlessTurnedOff() {
		if (!"off".equals(System.getProperty(SWITCH))) {
			apply();
		}
	}

	/** Turn the workaround on, or fail when Reactor Netty was initialized without it. */
	static void apply() {
		System.setProperty(PROPERTY, "true");
		if (!isActive()) {
			throw new IllegalStateException("Reactor Netty's HttpTrafficHandler was initialized before " + PROPERTY
					+ " was set: keep-alive connections can stall (reactor/reactor-netty#4361)");
		}
	}

	/** Whether Reactor Netty's HTTP server in this JVM runs with the workaround. */
	static boolean isActive() {
		try {
			Field field = Class.forName("reactor.netty.http.server.HttpTrafficHandler")
				.getDeclaredField("LAST_FLUSH_WHEN_NO_READ");
			field.setAccessible(true);
			return field.getBoolean(null);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			throw new IllegalStateException("Cannot tell whether " + PROPERTY + " is in effect", ex);
		}
	}

}
