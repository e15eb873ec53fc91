package io.github.springwithings.integration.reactive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A browser for the WebFlux application: a real JDK HTTP client (HTTP/1.1) with a cookie jar
 * (the application's session), following redirects across the application and the simulator's
 * consent page, sending a browser's {@code Accept} (so that Spring's request cache sends it back
 * after sign-in). When an answer has not come after a few seconds, it writes a thread dump of
 * this JVM and the state of the TCP connections to the port ({@code ss}: unread bytes in a
 * server socket's receive queue mean the server stopped reading) to {@code target/hang-dumps},
 * for diagnosis only: the request still fails after its timeout, nothing is retried.
 */
final class ReactiveAppBrowser {

	private static final Log logger = LogFactory.getLog(ReactiveAppBrowser.class);


	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final Duration DUMP_AFTER = Duration.ofSeconds(5);

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
		.followRedirects(HttpClient.Redirect.NEVER)
		.build();

	private final List<URI> visited = new CopyOnWriteArrayList<>();

	/** GET and follow redirects (at most 10). */
	HttpResponse<String> get(String url) {
		URI uri = URI.create(url);
		for (int hop = 0; hop < 10; hop++) {
			HttpResponse<String> response = getOnce(uri);
			if (response.statusCode() / 100 != 3) {
				return response;
			}
			uri = uri.resolve(response.headers().firstValue("Location").orElseThrow());
		}
		throw new IllegalStateException("Too many redirects: " + this.visited);
	}

	/** GET without following redirects. */
	HttpResponse<String> getOnce(URI uri) {
		this.visited.add(uri);
		return send(browserGet(uri));
	}

	private static HttpRequest browserGet(URI uri) {
		return HttpRequest.newBuilder(uri)
			.timeout(TIMEOUT)
			.header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
			.GET()
			.build();
	}

	/**
	 * GET without following redirects and without waiting for the answer: for many callers at
	 * once, on as many connections.
	 */
	CompletableFuture<HttpResponse<String>> getAsync(String url) {
		URI uri = URI.create(url);
		this.visited.add(uri);
		return this.http.sendAsync(browserGet(uri), HttpResponse.BodyHandlers.ofString());
	}

	/** POST an empty form with the given headers (e.g. the CSRF token), without following redirects. */
	HttpResponse<String> post(String url, Map<String, String> headers) {
		URI uri = URI.create(url);
		this.visited.add(uri);
		HttpRequest.Builder request = HttpRequest.newBuilder(uri)
			.timeout(TIMEOUT)
			.header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.noBody());
		headers.forEach(request::header);
		return send(request.build());
	}

	List<URI> visited() {
		return this.visited;
	}

	/**
	 * Whether a log line was written by this browser's HTTP client. The JDK client logs through
	 * {@code System.Logger} ({@code jdk.internal.httpclient.debug}), so with the root logger at
	 * DEBUG or finer its lines land in the log of the application under test, in the same JVM:
	 * they carry the client's id in their thread name ({@code HttpClient-<id>-Worker-<n>},
	 * {@code HttpClient-<id>-SelectorManager}) or text ({@code HttpClientImpl(<id>)}). A real
	 * browser writes nothing there.
	 * @param line a log line
	 * @return whether this browser wrote it
	 */
	boolean wrote(String line) {
		String client = this.http.toString();
		String id = client.substring(client.lastIndexOf('(') + 1, client.lastIndexOf(')'));
		return line.contains("[HttpClient-" + id + "-") || line.contains("HttpClientImpl(" + id + ")");
	}

	private HttpResponse<String> send(HttpRequest request) {
		CompletableFuture<HttpResponse<String>> answer = this.http.sendAsync(request,
				HttpResponse.BodyHandlers.ofString());
		try {
			try {
				return answer.get(DUMP_AFTER.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException ex) {
				dumpThreads(request);
				return answer.get();
			}
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof IOException io) {
				throw new UncheckedIOException("GET " + request.uri() + " failed (" + cause + ")", io);
			}
			throw new IllegalStateException("GET " + request.uri() + " failed", cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted: GET " + request.uri(), ex);
		}
	}

	/** The TCP connections to and from the port, with their unread (Recv-Q) and unsent (Send-Q) bytes. */
	private static String sockets(int port) {
		try {
			Process ss = new ProcessBuilder("ss", "-tnoi", "( sport = :" + port + " or dport = :" + port + " )")
				.redirectErrorStream(true)
				.start();
			String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			ss.waitFor(5, TimeUnit.SECONDS);
			return "\nss -tnoi (port " + port + "):\n" + out;
		}
		catch (IOException ex) {
			return "\nss failed: " + ex + "\n";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "\nss interrupted\n";
		}
	}

	private static void dumpThreads(HttpRequest request) {
		StringBuilder dump = new StringBuilder("No answer after " + DUMP_AFTER + " to GET " + request.uri() + "\n\n");
		for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
			dump.append('"').append(info.getThreadName()).append("\" ").append(info.getThreadState());
			if (info.getLockName() != null) {
				dump.append(" on ").append(info.getLockName());
			}
			if (info.getLockOwnerName() != null) {
				dump.append(" owned by \"").append(info.getLockOwnerName()).append('"');
			}
			dump.append('\n');
			for (StackTraceElement frame : info.getStackTrace()) {
				dump.append("\tat ").append(frame).append('\n');
			}
			dump.append('\n');
		}
		dump.append(sockets(request.uri().getPort()));
		try {
			Path dir = Path.of("target", "hang-dumps");
			Files.createDirectories(dir);
			Files.writeString(dir.resolve("dump-" + Instant.now().toEpochMilli() + ".txt"), dump);
		}
		catch (IOException ex) {
			// not the dump itself: its request URIs may carry an authorization code
			logger.warn("A request got no answer after " + DUMP_AFTER + "; its thread dump could not be written to "
					+ "target/hang-dumps (" + ex.getClass().getSimpleName() + ")");
		}
	}

}
