package io.github.springwithings.integration;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;

/**
 * What the log-secrecy tests need to play Withings without logging anything themselves: a form
 * POST over a plain socket (an HTTP client of the JVM would log the URL it calls at TRACE, and
 * the callback's URL holds the secret), and an observation handler that keeps every key value.
 */
public final class RawHttp {

	private RawHttp() {
	}

	/**
	 * POST a form to the application over a plain socket.
	 * @param port the application's port
	 * @param path the path
	 * @param form the encoded form
	 * @return the status answered
	 * @throws IOException on a network failure
	 */
	public static int postForm(int port, String path, String form) throws IOException {
		byte[] body = form.getBytes(StandardCharsets.UTF_8);
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(20_000);
			OutputStream out = socket.getOutputStream();
			out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
					+ "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length
					+ "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			out.write(body);
			out.flush();
			String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
				.readLine();
			return Integer.parseInt(statusLine.split(" ")[1]);
		}
	}

	/**
	 * Keeps the name, contextual name and every key value (low and high cardinality) of every
	 * observation when it stops, when handlers (tracing, metrics) read it.
	 */
	public static final class KeyValueCollector implements ObservationHandler<Observation.Context> {

		/** One line per observation and key: {@code name key=value}. */
		public final List<String> seen = new CopyOnWriteArrayList<>();

		@Override
		public void onStop(Observation.Context context) {
			this.seen.add(context.getName() + " contextual-name=" + context.getContextualName());
			for (KeyValue keyValue : context.getAllKeyValues()) {
				this.seen.add(context.getName() + " " + keyValue.getKey() + "=" + keyValue.getValue());
			}
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

		/** The lines of the observations of a name. */
		public List<String> of(Set<String> names) {
			return this.seen.stream().filter((line) -> names.contains(line.substring(0, line.indexOf(' ')))).toList();
		}

	}

}
