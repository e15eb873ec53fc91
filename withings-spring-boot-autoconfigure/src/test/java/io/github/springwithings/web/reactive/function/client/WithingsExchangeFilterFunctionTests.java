package io.github.springwithings.web.reactive.function.client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsRateLimitException;
import io.github.springwithings.api.WithingsRequestAttributes;
import io.github.springwithings.api.WithingsStatusFamily;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.ratelimit.WithingsRatePriority;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The WebClient filter, outside a web request (calls name the Withings user), against the simulator.
 */
class WithingsExchangeFilterFunctionTests {

	private static final String USER = "36000042";

	private WithingsSimulator simulator;

	private WithingsTestFixture fixture;

	private WebClient webClient;

	private final List<Duration> waits = new ArrayList<>();

	/** What happens elsewhere while the call waits, before the clock moves. */
	private Runnable duringWait = () -> {
	};

	private WithingsExchangeFilterFunction filter;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE, null);
		this.filter = new WithingsExchangeFilterFunction(this.fixture.clients, this.fixture.service);
		this.filter.setWaiter((duration) -> Mono.fromRunnable(() -> {
			this.duringWait.run();
			this.waits.add(duration);
			this.simulator.clock().advance(duration);
		}));
		this.webClient = WebClient.builder()
			.baseUrl(this.simulator.baseUrl())
			.clientConnector(new JdkClientHttpConnector())
			.filter(this.filter)
			.build();
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
	}

	@Test
	void exchangeWhenLinkedThenBodyOfTheEnvelope() {
		this.fixture.link("alice", USER);

		assertThat(getmeas("getmeas")).containsKeys("measuregrps", "timezone").doesNotContainKey("status");
	}

	@Test
	void exchangeWhenAccessTokenKilledThenOneRefreshAndRetried() {
		OAuth2AuthorizedClient linked = this.fixture.link("alice", USER);
		this.simulator.expireAccessToken(linked.getAccessToken().getTokenValue());

		assertThat(getmeas("getmeas")).containsKey("measuregrps");
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(1);
	}

	@Test
	void exchangeWhenUserRevokedThenAuthorizationRequiredAndLinkRemoved() {
		OAuth2AuthorizedClient linked = this.fixture.link("alice", USER);
		new WithingsRevocationClient(RestClient.create()).revoke(linked.getClientRegistration(), USER);

		assertThatExceptionOfType(ClientAuthorizationRequiredException.class).isThrownBy(() -> getmeas("getmeas"));
		assertThat(this.fixture.stored("alice")).isNull();
	}

	@Test
	void exchangeWhen601ThenWaitsWithinTheBoundOrFails() {
		this.fixture.link("alice", USER);
		this.simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.tooManyRequests(2));
		assertThat(getmeas("getmeas")).containsKey("measuregrps");
		assertThat(this.waits).containsExactly(Duration.ofSeconds(2));

		this.simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.tooManyRequests(188));
		assertThatExceptionOfType(WithingsRateLimitException.class).isThrownBy(() -> getmeas("getmeas"))
			.satisfies((ex) -> assertThat(ex.getWait()).isEqualTo(Duration.ofSeconds(188)));
	}

	@Test
	void exchangeWhenA601PausesTheBudgetWhileAnInteractiveCallWaitsForItsPermitThenSentAfterThePauseNotIntoIt() {
		this.fixture.link("alice", USER);
		WithingsRateBudget budget = usedBudget(Duration.ofMinutes(2));
		List<Instant> sent = sentToWithings();
		this.duringWait = () -> {
			if (this.waits.isEmpty()) {
				// another call gets a 601 while this one waits for its permit
				budget.onTooManyRequests(Duration.ofSeconds(59), "Too many requests");
			}
		};
		Instant paused = this.simulator.clock().instant();

		assertThat(WithingsRatePriority.INTERACTIVE.callAs(() -> getmeas("getmeas"))).containsKey("measuregrps");

		assertThat(sent).hasSize(1);
		assertThat(sent.get(0)).as("after the pause").isAfterOrEqualTo(paused.plusSeconds(60));
		assertThat(this.waits).as("its permit, the rest of the pause (timers), a new permit").hasSize(3);
		assertThat(this.waits.get(1)).as("the rest of the pause, less the real time the call took")
			.isBetween(Duration.ofSeconds(59).minus(this.waits.get(0)), Duration.ofSeconds(60).minus(this.waits.get(0)));
		assertThat(budget.count(WithingsRateBudget.Outcome.INTERACTIVE)).isEqualTo(2);
	}

	@Test
	void exchangeWhenA601PausesTheBudgetBeyondTheMaxWaitOfAWaitingCallThenRefusedAndNothingSent() {
		this.fixture.link("alice", USER);
		WithingsRateBudget budget = usedBudget(Duration.ofSeconds(30));
		this.duringWait = () -> budget.onTooManyRequests(Duration.ofSeconds(59), "Too many requests");
		int dataRequests = this.simulator.counters().dataRequests();

		assertThatExceptionOfType(WithingsRateLimitException.class)
			.isThrownBy(() -> WithingsRatePriority.INTERACTIVE.callAs(() -> getmeas("getmeas")));

		assertThat(this.simulator.counters().dataRequests()).isEqualTo(dataRequests);
		assertThat(this.waits).as("only its permit's wait").hasSize(1);
		assertThat(budget.count(WithingsRateBudget.Outcome.REFUSED)).isOne();
	}

	/** A budget on the simulator's clock whose burst is used: the next call waits for its permit. */
	private WithingsRateBudget usedBudget(Duration maxPermitWait) {
		WithingsRateBudget budget = WithingsRateBudget.local(120, 6, this.simulator.clock());
		while (budget.tryTake() == 0) {
			// the burst is used
		}
		this.filter.setRateBudget(budget, maxPermitWait);
		return budget;
	}

	/** When data requests reach the simulator, on its clock. */
	private List<Instant> sentToWithings() {
		List<Instant> sent = new CopyOnWriteArrayList<>();
		this.simulator.wireMock().addMockServiceRequestListener((request, response) -> {
			if (request.getUrl().startsWith("/measure")) {
				sent.add(this.simulator.clock().instant());
			}
		});
		return sent;
	}

	@Test
	void exchangeWhenOtherStatusThenApiExceptionWithFamily() {
		this.fixture.link("alice", USER);

		assertThatExceptionOfType(WithingsApiException.class).isThrownBy(() -> getmeas("getnothing"))
			.satisfies((ex) -> assertThat(ex.getFamily()).isEqualTo(WithingsStatusFamily.NOT_IMPLEMENTED));
	}

	private Map<String, Object> getmeas(String action) {
		return this.webClient.post()
			.uri("/measure")
			.attributes(WithingsRequestAttributes.userId(USER))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("action", action))
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.block(Duration.ofSeconds(30));
	}

}
