package io.github.springwithings.notification;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * A notification callback on 127.0.0.1 for tests that need no application: answers Withings'
 * {@code HEAD} probe with {@link #setHeadStatus the status set} (200 by default) and counts the
 * probes.
 */
final class TestCallbackServer implements AutoCloseable {

	private final HttpServer server;

	private volatile int headStatus = 200;

	private volatile Runnable onProbe = () -> {
	};

	final AtomicInteger probes = new AtomicInteger();

	private TestCallbackServer(HttpServer server) {
		this.server = server;
	}

	static TestCallbackServer start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			TestCallbackServer callback = new TestCallbackServer(server);
			server.createContext("/", (exchange) -> {
				if ("HEAD".equals(exchange.getRequestMethod())) {
					callback.probes.incrementAndGet();
					callback.onProbe.run();
				}
				exchange.sendResponseHeaders(callback.headStatus, -1);
				exchange.close();
			});
			server.start();
			return callback;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The callback URL: a path under this server. */
	String url(String path) {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + path;
	}

	void setHeadStatus(int headStatus) {
		this.headStatus = headStatus;
	}

	/** Runs on each probe, before it is answered. */
	void onProbe(Runnable onProbe) {
		this.onProbe = onProbe;
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
