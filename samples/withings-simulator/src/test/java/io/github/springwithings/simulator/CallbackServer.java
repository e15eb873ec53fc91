package io.github.springwithings.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real, scriptable HTTP server on {@code 127.0.0.1} playing an application's notification
 * callback: it records every request and answers {@code HEAD} with a chosen status and each
 * {@code POST} with the next scripted status (200 once the script is played), or holds it.
 */
final class CallbackServer implements AutoCloseable {

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final List<Received> received = new CopyOnWriteArrayList<>();

	private final Queue<Integer> postStatuses = new ConcurrentLinkedQueue<>();

	private final Queue<CountDownLatch> postHolds = new ConcurrentLinkedQueue<>();

	private volatile int headStatus = 200;

	private CallbackServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/", this::handle);
		this.server.setExecutor(this.executor);
		this.server.start();
	}

	static CallbackServer start() throws IOException {
		return new CallbackServer();
	}

	/** A URL on this server, e.g. {@code url("/withings/notify")}. */
	String url(String path) {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + path;
	}

	/** The status every {@code HEAD} is answered with (200 at first). */
	void answerHead(int status) {
		this.headStatus = status;
	}

	/** The statuses the next POSTs are answered with, in order; 200 afterwards. */
	void answerPosts(Integer... statuses) {
		this.postStatuses.addAll(List.of(statuses));
	}

	/** Hold the next POST (recorded at once) until {@code release} is counted down, then answer 200. */
	void holdNextPost(CountDownLatch release) {
		this.postHolds.add(release);
	}

	/** Every request so far, oldest first. */
	List<Received> requests() {
		return List.copyOf(this.received);
	}

	List<Received> requests(String method) {
		return this.received.stream().filter((request) -> request.method().equals(method)).toList();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String body;
			try (InputStream in = exchange.getRequestBody()) {
				body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			this.received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
					exchange.getRequestHeaders().getFirst("Content-Type"), form(body)));
			if ("HEAD".equals(exchange.getRequestMethod())) {
				exchange.sendResponseHeaders(this.headStatus, -1);
				return;
			}
			CountDownLatch hold = this.postHolds.poll();
			if (hold != null) {
				try {
					hold.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			Integer status = this.postStatuses.poll();
			exchange.sendResponseHeaders((status != null) ? status : 200, -1);
		}
		catch (IOException ex) {
			// the simulator gave up waiting (a held answer)
		}
	}

	private static Map<String, String> form(String body) {
		Map<String, String> form = new LinkedHashMap<>();
		if (body.isEmpty()) {
			return form;
		}
		for (String pair : body.split("&")) {
			int equals = pair.indexOf('=');
			form.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
					URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
		}
		return form;
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	/** A request the callback received: method, path, content type and form fields, in order. */
	record Received(String method, String path, String contentType, Map<String, String> form) {
	}

}
