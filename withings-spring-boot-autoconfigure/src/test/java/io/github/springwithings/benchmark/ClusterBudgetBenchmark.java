package io.github.springwithings.benchmark;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.ratelimit.JdbcWithingsRateBudgetStore;
import io.github.springwithings.testsupport.TestDatabases;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.ratelimit.WithingsRatePriority;
import io.github.springwithings.simulator.SimulatorCounters;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.web.client.WithingsRateLimitInterceptor;
import io.github.springwithings.web.client.WithingsRestClientConfigurer;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.web.client.RestClient;

/**
 * The sibling of {@code WithingsClusterRateBudgetTests} that measures: three instances of an
 * application, each with the starter's API client and token client and a rate budget of its own,
 * against a simulator that enforces Withings' 120 requests a minute for the whole application,
 * with more demand than the budget, for {@code withings.bench.minutes} (3) minutes of real time.
 * Instances A and B run background work that always wants more (3 threads each, API calls);
 * sign-ins (an authorization code exchanged, interactive) arrive at all three instances, one every
 * 6 s on average per instance (Poisson). Instance C serves only sign-ins.
 *
 * <p>Three setups run side by side, at the same time, each against a simulator of its own: the
 * starter's {@code scope=cluster} (one budget of 120 in the shared database, PostgreSQL when the
 * {@code withings.test.postgres.*} properties are given, else H2 in memory), and the stock
 * alternatives with {@code scope=instance}: 120 / 3 = 40 each, and 120 each.
 *
 * <p>Real time, not the simulator's moved clock: concurrent callers each moving one shared clock
 * by their own waits would add them up, so the clock could not be honest. Per minute it prints
 * the requests that reached the simulator, those answered 601, the share of the budget left
 * unused, and the time sign-ins waited for their permit (between entering the rate limit and
 * being sent; the round trip excluded).
 *
 * <p>Run: {@code ./mvnw -B -q -pl withings-spring-boot-autoconfigure -am process-test-classes -Dwithings.benchmark=ClusterBudgetBenchmark}
 * (add {@code -Dwithings.bench.minutes=1} for a short run; with {@code -Dwithings.test.postgres.url=... -Dwithings.test.postgres.username=... -Dwithings.test.postgres.password=...}
 * for PostgreSQL; the reactor build uses the simulator of this checkout, and the tables of that
 * database are emptied). It prints Markdown tables: printing is its purpose, hence standard output.
 */
public final class ClusterBudgetBenchmark {

	private static final int LIMIT = 120;

	private static final int MINUTES = Integer.getInteger("withings.bench.minutes", 3);

	private static final Duration MAX_WAIT = Duration.ofSeconds(30);

	private static final int BACKGROUND_THREADS = 3;

	private static final double SIGN_IN_MEAN_SECONDS = 6;

	private static final String USER = "36000077";

	private ClusterBudgetBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		String database;
		try (HikariDataSource dataSource = TestDatabases.dataSource("cluster-budget-benchmark", 8)) {
			database = TestDatabases.server() ? JdbcUtils.extractDatabaseMetaData(dataSource,
					(metaData) -> metaData.getDatabaseProductName() + " " + metaData.getDatabaseProductVersion())
					: "H2 in memory (no withings.test.db.* properties: no database server)";
			List<Run> runs = List.of(new Run(Setup.CLUSTER, dataSource), new Run(Setup.INSTANCE_THIRD, null),
					new Run(Setup.INSTANCE_FULL, null));
			try {
				CountDownLatch go = new CountDownLatch(1);
				List<Thread> threads = new ArrayList<>();
				for (Run run : runs) {
					Thread thread = new Thread(() -> run.execute(go), "bench-" + run.setup.name());
					thread.start();
					threads.add(thread);
				}
				go.countDown();
				for (Thread thread : threads) {
					thread.join();
				}
			}
			finally {
				runs.forEach(Run::close);
			}
			System.out.print(report(database, runs));
		}
	}

	private static String report(String database, List<Run> runs) {
		StringBuilder out = new StringBuilder();
		out.append("Shared store: ").append(database).append("; ").append(MINUTES)
			.append(" minutes of real time, the three setups at the same time.\n\n");
		out.append("| setup | minute | requests reaching Withings | answered 601 | accepted | budget unused | sign-ins ok / failed / still waiting | sign-in permit wait p50 / p99 / max |\n");
		out.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
		for (Run run : runs) {
			for (int minute = 0; minute < MINUTES; minute++) {
				out.append(row(run.setup.label, String.valueOf(minute + 1), run.minutes.get(minute + 1),
						run.minutes.get(minute), run.signIns(minute), 1));
			}
		}
		out.append("\n| setup | total over ").append(MINUTES)
			.append(" min | requests reaching Withings | answered 601 | accepted | budget unused | sign-ins ok / failed / still waiting | sign-in permit wait p50 / p99 / max |\n");
		out.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
		for (Run run : runs) {
			out.append(row(run.setup.label, "all", run.minutes.get(MINUTES), run.minutes.get(0), run.signIns(-1),
					MINUTES));
		}
		return out.toString();
	}

	private static String row(String label, String minute, long[] end, long[] start, List<SignIn> signIns,
			int minutes) {
		long accepted = end[0] - start[0];
		long tooMany = end[1] - start[1];
		List<Long> waits = new ArrayList<>();
		int failed = 0;
		int waiting = 0;
		for (SignIn signIn : signIns) {
			switch (signIn.outcome()) {
				case OK -> waits.add(signIn.permitWaitNanos());
				case FAILED -> failed++;
				case WAITING -> waiting++;
			}
		}
		Collections.sort(waits);
		double unused = Math.max(0, 1 - accepted / (double) (LIMIT * minutes));
		return String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %.0f %% | %d / %d / %d | %s / %s / %s |\n", label,
				minute, accepted + tooMany, tooMany, accepted, unused * 100, waits.size(), failed, waiting,
				seconds(waits, 0.50), seconds(waits, 0.99), seconds(waits, 1.0));
	}

	private static String seconds(List<Long> sorted, double percentile) {
		if (sorted.isEmpty()) {
			return "-";
		}
		long nanos = sorted.get(Math.max(0, (int) Math.ceil(percentile * sorted.size()) - 1));
		return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
	}

	enum Setup {

		CLUSTER("starter, `scope=cluster` (120 shared)"), INSTANCE_THIRD("stock advice, `scope=instance`, 40 each"),
		INSTANCE_FULL("naive, `scope=instance`, 120 each");

		final String label;

		Setup(String label) {
			this.label = label;
		}

	}

	/** What one sign-in got. */
	record SignIn(int minute, Outcome outcome, long permitWaitNanos) {
	}

	enum Outcome {

		/** Signed in. */
		OK,

		/** Refused: no permit within the wait, or Withings answered 601 or refused the code. */
		FAILED,

		/** Still waiting when the run ended. */
		WAITING

	}

	/** One setup: a simulator, three instances, their load, and what was counted. */
	private static final class Run {

		private final Setup setup;

		private final WithingsSimulator simulator;

		private final List<WithingsApi> apis = new ArrayList<>();

		private final List<WithingsAccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest>> signInClients = new ArrayList<>();

		private final ClientRegistration registration;

		/** Cumulative counters at each minute mark: accepted, answered 601. */
		private final List<long[]> minutes = Collections.synchronizedList(new ArrayList<>());

		private final ConcurrentLinkedQueue<SignIn> signIns = new ConcurrentLinkedQueue<>();

		private final ThreadLocal<long[]> permitTimer = new ThreadLocal<>();

		private final AtomicLong backgroundRefused = new AtomicLong();

		Run(Setup setup, HikariDataSource dataSource) {
			this.setup = setup;
			this.simulator = WithingsSimulator.start();
			WithingsTestFixture fixture = new WithingsTestFixture(this.simulator,
					WithingsClientAuthentication.CLIENT_SECRET, null);
			fixture.link("alice", USER);
			this.registration = TestClientRegistrations.withings(this.simulator).build();
			WithingsClientRegistrations withings = WithingsClientRegistrations.withIds(List.of("withings"));
			if (dataSource != null) {
				new JdbcTemplate(dataSource).update("DELETE FROM withings_rate_budget");
			}
			for (int i = 0; i < 3; i++) {
				WithingsRateBudget budget = switch (setup) {
					case CLUSTER -> WithingsRateBudget.shared(
							new JdbcWithingsRateBudgetStore(dataSource, this.simulator.clock()), LIMIT,
							WithingsRateBudget.DEFAULT_BURST, this.simulator.clock());
					case INSTANCE_THIRD -> WithingsRateBudget.local(LIMIT / 3, WithingsRateBudget.DEFAULT_BURST,
							this.simulator.clock());
					case INSTANCE_FULL -> WithingsRateBudget.local(LIMIT, WithingsRateBudget.DEFAULT_BURST,
							this.simulator.clock());
				};
				WithingsRestClientConfigurer configurer = new WithingsRestClientConfigurer(fixture.clients,
						fixture.service);
				configurer.setRateBudget(budget);
				this.apis.add(new WithingsApi(RestClient.builder()
					.baseUrl(this.simulator.baseUrl())
					.apply(configurer)
					.requestInterceptor(new WithingsRateLimitInterceptor(budget, MAX_WAIT))
					.build()).forUser(USER));
				WithingsAccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> signIn = WithingsAccessTokenResponseClient.authorizationCode(withings,
						WithingsClientAuthentication.CLIENT_SECRET,
						RestClient.builder()
							.requestInterceptor(this::startPermitTimer)
							.requestInterceptor(new WithingsRateLimitInterceptor(budget, MAX_WAIT))
							.requestInterceptor(this::stopPermitTimer));
				signIn.setRateBudget(budget);
				this.signInClients.add(signIn);
			}
			this.simulator.setRateLimit(LIMIT, Duration.ofMinutes(1));
		}

		private ClientHttpResponse startPermitTimer(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
				throws IOException {
			long[] timer = { System.nanoTime(), -1 };
			this.permitTimer.set(timer);
			return execution.execute(request, body);
		}

		private ClientHttpResponse stopPermitTimer(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
				throws IOException {
			long[] timer = this.permitTimer.get();
			timer[1] = System.nanoTime() - timer[0];
			return execution.execute(request, body);
		}

		void execute(CountDownLatch go) {
			ExecutorService workers = Executors.newCachedThreadPool();
			try {
				go.await();
				long start = System.nanoTime();
				long end = start + TimeUnit.MINUTES.toNanos(MINUTES);
				this.minutes.add(counters());
				for (int instance = 0; instance < 2; instance++) {
					WithingsApi api = this.apis.get(instance);
					for (int t = 0; t < BACKGROUND_THREADS; t++) {
						workers.execute(() -> background(api, end));
					}
				}
				for (int instance = 0; instance < 3; instance++) {
					int id = instance;
					workers.execute(() -> arrivals(id, start, end, workers));
				}
				for (int minute = 1; minute <= MINUTES; minute++) {
					long mark = start + TimeUnit.MINUTES.toNanos(minute);
					TimeUnit.NANOSECONDS.sleep(Math.max(0, mark - System.nanoTime()));
					this.minutes.add(counters());
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				workers.shutdownNow();
				try {
					workers.awaitTermination(1, TimeUnit.MINUTES);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

		private long[] counters() {
			SimulatorCounters counters = this.simulator.counters();
			long accepted = counters.dataRequests() + counters.authorizationCodeGrants() + counters.refreshTokenGrants()
					+ counters.nonceRequests();
			return new long[] { accepted, counters.tooManyRequests() };
		}

		private void background(WithingsApi api, long end) {
			while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
				try {
					WithingsRatePriority.BACKGROUND.runAs(() -> api.call("/measure", "getmeas", Map.of(), Map.class));
				}
				catch (RuntimeException ex) {
					// refused by the budget (no permit within 30 s) or by Withings (601): the work waits
					this.backgroundRefused.incrementAndGet();
				}
			}
		}

		private void arrivals(int instance, long start, long end, ExecutorService workers) {
			Random random = new Random(11L * (instance + 1) + this.setup.ordinal());
			try {
				while (true) {
					long gap = (long) (-Math.log(1 - random.nextDouble()) * SIGN_IN_MEAN_SECONDS * 1e9);
					TimeUnit.NANOSECONDS.sleep(gap);
					long now = System.nanoTime();
					if (now >= end) {
						return;
					}
					int minute = (int) ((now - start) / TimeUnit.MINUTES.toNanos(1));
					workers.execute(() -> signIn(instance, minute));
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		private void signIn(int instance, int minute) {
			// the user approved on Withings' page (no request to the API) and comes back with a code
			String code = this.simulator.authorize(WithingsSimulator.DEFAULT_CLIENT_ID,
					TestClientRegistrations.REDIRECT_URI, "user.metrics");
			try {
				WithingsRatePriority.INTERACTIVE.callAs(() -> this.signInClients.get(instance)
					.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, code)));
				long[] timer = this.permitTimer.get();
				this.signIns.add(new SignIn(minute, Outcome.OK, timer[1]));
			}
			catch (RuntimeException ex) {
				this.signIns.add(new SignIn(minute,
						Thread.currentThread().isInterrupted() ? Outcome.WAITING : Outcome.FAILED, -1));
			}
			finally {
				this.permitTimer.remove();
			}
		}

		List<SignIn> signIns(int minute) {
			return this.signIns.stream().filter((signIn) -> minute < 0 || signIn.minute() == minute).toList();
		}

		void close() {
			this.simulator.stop();
		}

	}

}
