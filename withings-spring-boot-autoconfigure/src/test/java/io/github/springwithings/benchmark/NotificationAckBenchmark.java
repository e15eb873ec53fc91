package io.github.springwithings.benchmark;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.notification.JdbcWithingsNotificationInbox;
import io.github.springwithings.notification.WithingsNotificationReceiver;
import io.github.springwithings.notification.WithingsNotificationWebFilter;
import io.github.springwithings.oauth2.client.InMemoryWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsStoreScripts;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.github.springwithings.testsupport.TestDatabases;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

/**
 * How long Withings waits for the callback's 200: a notification POSTed over HTTP (loopback) to
 * the WebFlux web filter on Reactor Netty, answered once handed off, in three setups measured in
 * the same run: today's in-memory hand-off (no inbox), the durable inbox on H2 in memory, and the
 * inbox on PostgreSQL when the {@code withings.test.postgres.*} (or {@code withings.test.db.*})
 * properties name one. Each notification is new (no duplicate); the handling (a user lookup, the
 * row marked done) runs meanwhile on the listeners' executor, as in an application. One caller at
 * a time, then 8 at once; {@code withings.bench.requests} (3000) per run after 500 to warm up.
 *
 * <p>Run: {@code ./mvnw -B -q -pl withings-spring-boot-autoconfigure -am process-test-classes -Dwithings.benchmark=NotificationAckBenchmark}
 * (add {@code -Dwithings.test.postgres.url=jdbc:postgresql://127.0.0.1:5432/withings_test -Dwithings.test.postgres.username=postgres -Dwithings.test.postgres.password=postgres}
 * for PostgreSQL: its inbox table is emptied). It prints a Markdown table: printing is its
 * purpose, hence standard output.
 */
public final class NotificationAckBenchmark {

	private static final int REQUESTS = Integer.getInteger("withings.bench.requests", 3000);

	private static final int WARM_UP = 500;

	private static final int CONCURRENT = 8;

	private static final String PATH = "/withings/notifications/B3nchS3cret";

	private static final AtomicLong NEXT = new AtomicLong(1_767_225_600L);

	private NotificationAckBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		StringBuilder out = new StringBuilder();
		out.append("| setup | callers | requests | p50 | p99 | max | acknowledged per second |\n");
		out.append("|---|---:|---:|---:|---:|---:|---:|\n");
		measure("in-memory hand-off (no inbox)", null, out);
		try (HikariDataSource h2 = h2()) {
			measure("inbox on H2 (in memory)", h2, out);
		}
		if (TestDatabases.server()) {
			try (HikariDataSource server = TestDatabases.dataSource("notification-ack-benchmark", 10)) {
				String product = JdbcUtils.extractDatabaseMetaData(server,
						(metaData) -> metaData.getDatabaseProductName() + " "
								+ metaData.getDatabaseProductVersion().split(" ")[0]);
				measure("inbox on " + product + " (localhost)", server, out);
			}
		}
		else {
			out.append("| inbox on PostgreSQL | - | - | not run: no withings.test.postgres.url | | | |\n");
		}
		System.out.print(out);
	}

	private static HikariDataSource h2() {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl("jdbc:h2:mem:notification-ack-benchmark;DB_CLOSE_DELAY=-1");
		config.setUsername("sa");
		config.setMaximumPoolSize(10);
		HikariDataSource dataSource = new HikariDataSource(config);
		new ResourceDatabasePopulator(new ClassPathResource(WithingsStoreScripts.script("h2"))).execute(dataSource);
		return dataSource;
	}

	private static void measure(String setup, DataSource dataSource, StringBuilder out) throws Exception {
		ThreadPoolExecutor listeners = bounded("bench-listeners-", 2, 1000);
		ThreadPoolExecutor inserts = bounded("bench-inbox-", 4, 100);
		WithingsNotificationReceiver receiver = new WithingsNotificationReceiver(PATH,
				new InMemoryWithingsAuthorizedClientService(
						new InMemoryClientRegistrationRepository(TestClientRegistrations.withings("http://127.0.0.1:1").build())),
				List.of("withings"), (event) -> {
				}, listeners);
		if (dataSource != null) {
			new JdbcTemplate(dataSource).update("DELETE FROM withings_notification_inbox");
			receiver.setInbox(new JdbcWithingsNotificationInbox(dataSource), inserts);
		}
		HttpHandler handler = WebHttpHandlerBuilder.webHandler((exchange) -> {
			exchange.getResponse().setStatusCode(HttpStatus.NOT_FOUND);
			return exchange.getResponse().setComplete();
		}).filter(new WithingsNotificationWebFilter(receiver)).codecConfigurer(ServerCodecConfigurer.create()).build();
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle(new ReactorHttpHandlerAdapter(handler))
			.bindNow();
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		URI uri = URI.create("http://127.0.0.1:" + server.port() + PATH);
		try {
			run(http, uri, 1, WARM_UP);
			report(out, setup, 1, run(http, uri, 1, REQUESTS));
			run(http, uri, CONCURRENT, WARM_UP);
			report(out, setup, CONCURRENT, run(http, uri, CONCURRENT, REQUESTS));
		}
		finally {
			server.disposeNow();
			listeners.shutdown();
			listeners.awaitTermination(30, TimeUnit.SECONDS);
			inserts.shutdownNow();
		}
	}

	private static ThreadPoolExecutor bounded(String name, int threads, int queue) {
		AtomicLong count = new AtomicLong();
		return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(queue),
				(runnable) -> {
					Thread thread = new Thread(runnable, name + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				}, new ThreadPoolExecutor.AbortPolicy());
	}

	/** {@code requests} notifications by {@code callers} callers: each one's time to its 200, and the wall time last. */
	private static List<Long> run(HttpClient http, URI uri, int callers, int requests) throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(callers);
		List<Long> latencies = Collections.synchronizedList(new ArrayList<>(requests + 1));
		try {
			long start = System.nanoTime();
			List<Future<?>> done = new ArrayList<>();
			for (int c = 0; c < callers; c++) {
				done.add(threads.submit(() -> {
					for (int i = 0; i < requests / callers; i++) {
						long n = NEXT.incrementAndGet();
						HttpRequest request = HttpRequest.newBuilder(uri)
							.header("Content-Type", "application/x-www-form-urlencoded")
							.POST(HttpRequest.BodyPublishers
								.ofString("userid=36000042&appli=1&startdate=" + n + "&enddate=" + n))
							.build();
						long sent = System.nanoTime();
						int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
						long took = System.nanoTime() - sent;
						if (status != 200) {
							throw new IllegalStateException("answered " + status);
						}
						latencies.add(took);
					}
					return null;
				}));
			}
			for (Future<?> future : done) {
				future.get();
			}
			List<Long> sorted = new ArrayList<>(latencies);
			Collections.sort(sorted);
			sorted.add(System.nanoTime() - start);
			return sorted;
		}
		finally {
			threads.shutdownNow();
		}
	}

	private static void report(StringBuilder out, String setup, int callers, List<Long> measured) {
		long wall = measured.remove(measured.size() - 1);
		out.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %.0f |\n", setup, callers,
				measured.size(), millis(measured, 0.50), millis(measured, 0.99), millis(measured, 1.0),
				measured.size() / (wall / 1e9)));
	}

	private static String millis(List<Long> sorted, double percentile) {
		long nanos = sorted.get(Math.max(0, (int) Math.ceil(percentile * sorted.size()) - 1));
		return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
	}

}
