package io.github.springwithings.notification;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;
import io.github.springwithings.notification.WithingsNotificationReceiver.Reply;

/**
 * A {@link WithingsNotificationReceiver} served over HTTP on 127.0.0.1 by the JDK's server, for
 * tests that need the callback without a Spring application (the servlet filter and the web
 * filter are tested by the notification integration tests): the simulator delivers to it as
 * Withings does.
 */
final class ReceiverHttpServer implements AutoCloseable {

	private final HttpServer server;

	private final String path;

	private ReceiverHttpServer(HttpServer server, String path) {
		this.server = server;
		this.path = path;
	}

	static ReceiverHttpServer start(WithingsNotificationReceiver receiver) {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.createContext(receiver.getPath(), (exchange) -> {
				Reply reply = receiver.beforeBody(exchange.getRequestMethod(),
						exchange.getRemoteAddress().getAddress().getHostAddress(),
						exchange.getRequestHeaders().getFirst("Content-Type"), -1);
				if (reply == null) {
					byte[] body;
					try (InputStream in = exchange.getRequestBody()) {
						body = in.readNBytes(WithingsNotificationReceiver.MAX_BODY_BYTES + 1);
					}
					reply = receiver.answer((body.length > WithingsNotificationReceiver.MAX_BODY_BYTES) ? null : body)
						.join();
				}
				byte[] message = reply.message().getBytes(StandardCharsets.UTF_8);
				exchange.sendResponseHeaders(reply.status(), (message.length == 0) ? -1 : message.length);
				if (message.length > 0) {
					try (OutputStream out = exchange.getResponseBody()) {
						out.write(message);
					}
				}
				exchange.close();
			});
			server.start();
			return new ReceiverHttpServer(server, receiver.getPath());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The callback URL. */
	String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + this.path;
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
