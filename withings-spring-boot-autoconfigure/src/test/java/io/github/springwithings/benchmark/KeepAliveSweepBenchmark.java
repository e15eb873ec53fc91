package io.github.springwithings.benchmark;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariConfig;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.oauth2.client.JdbcWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.SingleFlightRefreshTokenResponseClient;
import io.github.springwithings.testsupport.TestDatabases;
import io.github.springwithings.oauth2.client.UserIdRememberingTokenResponseClient;
import io.github.springwithings.oauth2.client.keepalive.WithingsKeepAlive;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.simulator.SimulatorClock;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.web.client.WithingsRateLimitInterceptor;

import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.client.RestClient;

import io.github.springwithings.support.Sleeper;
/**
 * One keep-alive sweep over {@code withings.bench.users} (100,000) stored users, all due, in the
 * JDBC store (PostgreSQL when the {@code withings.test.postgres.*} properties are given, else an
 * H2 file), against a simulator that enforces Withings' 120 requests a minute, at the default
 * budget share (25 %: one refresh every 2 s with {@code client-secret}), with the application's
 * rate budget on the refresh client.
 *
 * <p>Time is simulated: the sweep's pauses move the application's clock and the simulator's
 * (the sweep is sequential, so one clock is honest); it reports the simulated duration and the
 * wall time. The simulator runs in a JVM of its own (this class with {@code --simulator}), which
 * also links the users (consent and code exchange, each user a token pair the simulator knows)
 * and stores them through the store's API: the simulator keeps every token it ever issued and
 * WireMock every request, so in this JVM they would hide what the sweep itself keeps. Every
 * {@link #SAMPLE_EVERY} refreshes (every 50 pages of 100) the heap used after
 * {@code System.gc()} is sampled.
 *
 * <p>Run: {@code ./mvnw -B -q -pl withings-spring-boot-autoconfigure -am process-test-classes -Dwithings.benchmark=KeepAliveSweepBenchmark}
 * (add {@code -Dwithings.bench.users=1000} for a short run; with {@code -Dwithings.test.postgres.url=... -Dwithings.test.postgres.username=... -Dwithings.test.postgres.password=...}
 * for PostgreSQL; the tables of that database are emptied). It prints Markdown tables: printing is
 * its purpose, hence standard output.
 */
public final class KeepAliveSweepBenchmark {

	private static final Log logger = LogFactory.getLog(KeepAliveSweepBenchmark.class);

	private static final int USERS = Integer.getInteger("withings.bench.users", 100_000);

	private static final int PAGE_SIZE = 100;

	private static final int SAMPLE_EVERY = 5_000;

	private static final int REQUESTS_PER_MINUTE = 120;

	private static final double BUDGET_SHARE = 0.25;

	private static final String READY = "READY ";

	private static final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

	private KeepAliveSweepBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("--simulator")) {
			simulator(args[1]);
			return;
		}
		String url = TestDatabases.server() ? TestDatabases.url("")
				: "jdbc:h2:file:" + Files.createTempDirectory("keep-alive-benchmark").resolve("store");
		Process child = startSimulator(url);
		try {
			String baseUrl = awaitReady(child);
			System.out.print(sweep(baseUrl, url));
		}
		finally {
			child.destroy();
			child.waitFor(30, TimeUnit.SECONDS);
		}
	}

	// --- this JVM: the application ------------------------------------------------------------

	private static String sweep(String baseUrl, String url) throws Exception {
		RestClient admin = RestClient.create(baseUrl);
		SimulatorClock clock = new SimulatorClock();
		Sleeper moveClocks = (duration) -> {
			clock.advance(duration);
			admin.post()
				.uri("/__admin/withings/clock/advance")
				.contentType(MediaType.APPLICATION_JSON)
				.body(Map.of("duration", duration.toString()))
				.retrieve()
				.toBodilessEntity();
		};
		ClientRegistration registration = TestClientRegistrations.withings(baseUrl).build();
		InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(registration);
		WithingsClientRegistrations withings = WithingsClientRegistrations.withIds(List.of("withings"));
		try (HikariDataSource dataSource = dataSource(url, 4)) {
			JdbcWithingsAuthorizedClientService store = new JdbcWithingsAuthorizedClientService(dataSource, registrations);
			store.setClock(clock);
			WithingsRateBudget budget = WithingsRateBudget.local(REQUESTS_PER_MINUTE, WithingsRateBudget.DEFAULT_BURST,
					clock);
			budget.setSleeper(moveClocks);
			WithingsAccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refresh = WithingsAccessTokenResponseClient.refreshToken(withings,
					WithingsClientAuthentication.CLIENT_SECRET,
					RestClient.builder().requestInterceptor(new WithingsRateLimitInterceptor(budget, Duration.ofSeconds(30))));
			refresh.setRateBudget(budget);
			SingleFlightRefreshTokenResponseClient singleFlight = new SingleFlightRefreshTokenResponseClient(refresh, store,
					withings);
			singleFlight.setClock(clock);
			singleFlight.setSleeper(moveClocks);
			// as the auto-configuration derives it: one request per refresh with client-secret
			Duration spacing = Duration.ofMillis((long) Math.ceil(60_000.0 / (REQUESTS_PER_MINUTE * BUDGET_SHARE)));
			List<long[]> samples = new ArrayList<>();
			AtomicInteger pauses = new AtomicInteger();
			WithingsKeepAlive keepAlive = new WithingsKeepAlive(store, singleFlight, List.of("withings"));
			keepAlive.setPageSize(PAGE_SIZE);
			keepAlive.setSpacing(spacing);
			keepAlive.setClock(clock);
			keepAlive.setSleeper((duration) -> {
				// called before each refresh but the first: that many clients refreshed
				int refreshed = pauses.incrementAndGet();
				if (refreshed % SAMPLE_EVERY == 0) {
					samples.add(new long[] { refreshed, heapUsed() });
				}
				moveClocks.sleep(duration);
			});
			long baseline = heapUsed();
			long wallStart = System.nanoTime();
			WithingsKeepAlive.Summary summary = keepAlive.sweep();
			long wall = System.nanoTime() - wallStart;
			long end = heapUsed();
			@SuppressWarnings("unchecked")
			Map<String, Object> counters = (Map<String, Object>) admin.get()
				.uri("/__admin/withings/state")
				.retrieve()
				.body(Map.class)
				.get("counters");
			Integer stillDue = new JdbcTemplate(dataSource).queryForObject(
					"SELECT COUNT(*) FROM withings_authorized_client WHERE refresh_token_issued_at < ?", Integer.class,
					clock.instant().minus(Duration.ofDays(180)).toEpochMilli());
			return report(url, spacing, summary, wall, baseline, samples, end, counters, stillDue);
		}
	}

	private static String report(String url, Duration spacing, WithingsKeepAlive.Summary summary, long wall,
			long baseline, List<long[]> samples, long end, Map<String, Object> counters, Integer stillDue) {
		StringBuilder out = new StringBuilder();
		out.append(String.format(Locale.ROOT, "Store: %s; %,d users, all due; page size %d; spacing %d ms (budget share %.0f %% of %d a minute, client-secret).%n%n",
				TestDatabases.server() ? TestDatabases.platform() + " (JDBC)" : "H2 file (JDBC; no withings.test.db.* properties: no database server)",
				USERS, PAGE_SIZE, spacing.toMillis(), BUDGET_SHARE * 100, REQUESTS_PER_MINUTE));
		out.append("| checked | refreshed | failed | still due after | refresh requests | 601s | dead refresh tokens used | simulated duration | wall time |\n");
		out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		Duration took = summary.took();
		out.append(String.format(Locale.ROOT, "| %,d | %,d | %d | %d | %,d | %s | %s | %dd %02dh %02dm (%,d s) | %d min %02d s |%n",
				summary.checked(), summary.refreshed(), summary.failed(), stillDue, number(counters.get("refreshTokenGrants")),
				counters.get("tooManyRequests"), counters.get("deadChainUses"), took.toDays(), took.toHoursPart(),
				took.toMinutesPart(), took.toSeconds(), TimeUnit.NANOSECONDS.toMinutes(wall),
				TimeUnit.NANOSECONDS.toSeconds(wall) % 60));
		long max = baseline;
		for (long[] sample : samples) {
			max = Math.max(max, sample[1]);
		}
		max = Math.max(max, end);
		out.append("\n| heap used after GC | MB |\n|---|---:|\n");
		out.append(String.format(Locale.ROOT, "| before the sweep (baseline) | %.1f |%n", mb(baseline)));
		out.append(String.format(Locale.ROOT, "| max while sweeping | %.1f |%n", mb(max)));
		out.append(String.format(Locale.ROOT, "| after the sweep (end) | %.1f |%n", mb(end)));
		out.append("\n| clients refreshed | heap used after GC (MB) |\n|---:|---:|\n");
		for (long[] sample : samples) {
			out.append(String.format(Locale.ROOT, "| %,d | %.1f |%n", sample[0], mb(sample[1])));
		}
		if (samples.size() >= 2) {
			long[] first = samples.get(0);
			long[] last = samples.get(samples.size() - 1);
			double perClient = (last[1] - first[1]) / (double) (last[0] - first[0]);
			out.append(String.format(Locale.ROOT, "%nFrom %,d to %,d clients refreshed the heap changed by %.1f MB (%.1f bytes a client).%n",
					first[0], last[0], mb(last[1] - first[1]), perClient));
		}
		return out.toString();
	}

	private static long number(Object value) {
		return ((Number) value).longValue();
	}

	private static double mb(long bytes) {
		return bytes / (1024.0 * 1024.0);
	}

	private static long heapUsed() {
		System.gc();
		System.gc();
		return memory.getHeapMemoryUsage().getUsed();
	}

	private static Process startSimulator(String url) throws Exception {
		Benchmarks.useThisClasspathInForks();
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new ArrayList<>(List.of(java, "-Xmx2g", "-cp", System.getProperty("java.class.path")));
		for (String property : List.of("withings.test.db.url", "withings.test.db.username", "withings.test.db.password",
				"withings.test.postgres.url", "withings.test.postgres.username", "withings.test.postgres.password")) {
			if (System.getProperty(property) != null) {
				command.add("-D" + property + "=" + System.getProperty(property));
			}
		}
		command.add("-Dwithings.bench.users=" + USERS);
		command.addAll(List.of(KeepAliveSweepBenchmark.class.getName(), "--simulator", url));
		ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
		// the database credentials go by the environment, never on a command line
		builder.environment().put("WITHINGS_BENCH_DB_USERNAME", TestDatabases.username());
		builder.environment().put("WITHINGS_BENCH_DB_PASSWORD", TestDatabases.password());
		return builder.start();
	}

	private static String awaitReady(Process child) throws Exception {
		BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
		for (String line = lines.readLine(); line != null; line = lines.readLine()) {
			if (line.startsWith(READY)) {
				return line.substring(READY.length()).trim();
			}
		}
		throw new IllegalStateException("The simulator process ended before it was ready: " + child.waitFor());
	}

	private static HikariDataSource dataSource(String url, int poolSize) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(url);
		config.setUsername(System.getenv().getOrDefault("WITHINGS_BENCH_DB_USERNAME", TestDatabases.username()));
		config.setPassword(System.getenv().getOrDefault("WITHINGS_BENCH_DB_PASSWORD", TestDatabases.password()));
		config.setMaximumPoolSize(poolSize);
		return new HikariDataSource(config);
	}

	// --- the other JVM: the simulator, and the users linked ------------------------------------

	private static void simulator(String url) throws Exception {
		WithingsSimulator simulator = WithingsSimulator.start();
		ClientRegistration registration = TestClientRegistrations.withings(simulator).build();
		InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(registration);
		try (HikariDataSource dataSource = dataSource(url, 8)) {
			String platform = url.startsWith("jdbc:postgresql") ? "postgresql" : "h2";
			new ResourceDatabasePopulator(
					new ClassPathResource("io/github/springwithings/db/" + platform + "/R__withings_schema.sql"))
				.execute(dataSource);
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			jdbc.update("DELETE FROM withings_authorized_client");
			jdbc.update("DELETE FROM withings_sweep");
			JdbcWithingsAuthorizedClientService store = new JdbcWithingsAuthorizedClientService(dataSource, registrations);
			OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> codes = new UserIdRememberingTokenResponseClient(
					WithingsAccessTokenResponseClient.authorizationCode(WithingsClientRegistrations.withIds(List.of("withings")),
							WithingsClientAuthentication.CLIENT_SECRET, RestClient.builder()),
					store);
			long started = System.nanoTime();
			AtomicInteger linked = new AtomicInteger();
			ExecutorService linkers = Executors.newFixedThreadPool(4);
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				int first = t;
				futures.add(linkers.submit(() -> {
					for (int i = first; i < USERS; i += 4) {
						// a new Withings user consents, the code is exchanged and the client stored, as at sign-in
						String code = simulator.authorize(WithingsSimulator.DEFAULT_CLIENT_ID,
								TestClientRegistrations.REDIRECT_URI, "user.metrics,user.activity");
						OAuth2AccessTokenResponse response = codes
							.getTokenResponse(TestClientRegistrations.codeGrant(registration, code));
						String principal = String.format(Locale.ROOT, "user-%06d", i);
						store.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, principal,
								response.getAccessToken(), response.getRefreshToken()),
								new TestingAuthenticationToken(principal, null));
						int done = linked.incrementAndGet();
						if (done % 10_000 == 0) {
							simulator.wireMock().resetRequests(); // WireMock's journal: not the simulator's state
							logger.info(String.format(Locale.ROOT, "linked %,d users in %d s", done,
									TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)));
						}
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get();
			}
			linkers.shutdown();
			// every refresh token 200 days old: all due (max age 180 days)
			int aged = jdbc.update("UPDATE withings_authorized_client SET refresh_token_issued_at = ?",
					Instant.now().minus(Duration.ofDays(200)).toEpochMilli());
			logger.info(String.format(Locale.ROOT, "linked and aged %,d users in %d s", aged,
					TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)));
		}
		simulator.wireMock().resetRequests();
		// WireMock's request journal (not the simulator's state) emptied every 10 s: the heap measured is the sweep's
		ScheduledExecutorService journal = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "journal-reset");
			thread.setDaemon(true);
			return thread;
		});
		journal.scheduleWithFixedDelay(() -> simulator.wireMock().resetRequests(), 10, 10, TimeUnit.SECONDS);
		simulator.setRateLimit(REQUESTS_PER_MINUTE, Duration.ofMinutes(1));
		System.out.println(READY + simulator.baseUrl());
		System.out.flush();
		simulator.awaitStop();
	}

}
