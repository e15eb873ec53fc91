package io.github.springwithings.integration.reactive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The cause of the WebFlux end-to-end hang, without Spring and without the starter: a Reactor
 * Netty 1.3.6 server stops reading a keep-alive connection after a queued request is answered
 * synchronously (reactor/reactor-netty#4361, fixed by reactor/reactor-netty#4347 in 1.3.8). Both
 * tests fail on Reactor Netty 1.3.6 (Boot 4.0.7's) and pass on 1.3.8; the timeouts here only
 * detect a request that is never answered.
 */
@Disabled("needs fix: Reactor Netty 1.3.8 or later (reactor-bom 2025.0.8 with Netty 4.2.18.Final) in the build; "
		+ "Boot 4.0.7 manages 1.3.6")
class ReactorNettyReadStallTests {

	private DisposableServer server;

	@AfterEach
	void stopServer() {
		if (this.server != null) {
			this.server.disposeNow();
		}
	}

	/**
	 * The route the end-to-end tests took: a browser-like client sends each request when the
	 * previous answer has arrived, on one connection. An answer completed on another thread (as
	 * after a WebClient call) lets the next request in before the previous exchange is
	 * terminated; when that request is answered at once, the one after it is never read. The race
	 * is narrow (a few rounds in a thousand here), hence the many rounds.
	 */
	@Test
	void keepAliveConnectionWhenAsyncAnswerIsFollowedBySyncAnswersThenEveryRequestIsAnswered() throws Exception {
		assumeFalse(Boolean.getBoolean(ReactorNettyReadStallWorkaround.PROPERTY),
				"the workaround is on in this JVM: the stall cannot happen here");
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle((request, response) -> response.sendString(request.uri().equals("/async")
					? Mono.fromCallable(() -> "ok").subscribeOn(Schedulers.boundedElastic()) : Mono.just("ok")))
			.bindNow();
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		String base = "http://127.0.0.1:" + this.server.port();
		List<String> unanswered = new ArrayList<>();
		for (int round = 0; round < 3000; round++) {
			for (String path : new String[] { "/async", "/sync", "/sync" }) {
				try {
					client.sendAsync(HttpRequest.newBuilder(URI.create(base + path)).build(),
							HttpResponse.BodyHandlers.ofString())
						.get(2, TimeUnit.SECONDS);
				}
				catch (TimeoutException ex) {
					unanswered.add("round " + round + " " + path);
					// that connection is dead: go on with a new one
					client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
					break;
				}
			}
		}
		assertThat(unanswered).isEmpty();
	}

	/**
	 * The same lost read, deterministic, through real pipelining (two requests in one write): the
	 * first is answered later on another thread, the second at once; a third request on the
	 * connection is never answered. ({@code lastFlushWhenNoRead} does not help here.)
	 */
	@Test
	void pipelinedRequestsWhenQueuedRequestIsAnsweredSynchronouslyThenNextRequestIsAnswered() throws Exception {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle((request, response) -> response.sendString(request.uri().equals("/first")
					? Mono.delay(Duration.ofMillis(50)).thenReturn("ok") : Mono.just("ok")))
			.bindNow();
		int answered = 0;
		try (Socket socket = new Socket("127.0.0.1", this.server.port())) {
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			out.write((get("/first") + get("/second")).getBytes(StandardCharsets.US_ASCII));
			out.flush();
			answered += readOkResponses(in, 2);
			out.write(get("/third").getBytes(StandardCharsets.US_ASCII));
			out.flush();
			answered += readOkResponses(in, 1);
		}
		catch (SocketTimeoutException ex) {
			// the third request was never read by the server
		}
		assertThat(answered).isEqualTo(3);
	}

	private static String get(String path) {
		return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	}

	/** Read {@code count} answers whose body is {@code ok}. */
	private static int readOkResponses(InputStream in, int count) throws IOException {
		StringBuilder current = new StringBuilder();
		int read = 0;
		while (read < count) {
			int b = in.read();
			if (b < 0) {
				break;
			}
			current.append((char) b);
			if (current.indexOf("\r\n\r\nok") >= 0) {
				read++;
				current.setLength(0);
			}
		}
		return read;
	}

}
