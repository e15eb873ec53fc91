package io.github.springwithings.notification;

import java.time.Duration;
import java.util.List;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.oauth2.client.WithingsLinkedUsers;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.simulator.SimulatorSubscription;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.TestBlockHound;
import io.github.springwithings.web.client.WithingsRestClientConfigurer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link WithingsReactiveNotifications} called from Reactor's parallel scheduler with BlockHound
 * installed: subscribe (with the spacing waited), list and revoke never block a non-blocking
 * thread, and their errors arrive as signals. (A JVM of its own, see the build.)
 */
class WithingsReactiveNotificationsBlockHoundTests {

	private static final String ALICE = "36000301";

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private WithingsSimulator simulator;

	private TestCallbackServer callback;

	private WithingsReactiveNotifications notifications;

	@BeforeAll
	static void installBlockHound() {
		TestBlockHound.install();
	}

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE, null);
		fixture.link(ALICE, ALICE);
		this.callback = TestCallbackServer.start();
		WithingsNotifications core = new WithingsNotifications(new WithingsApi(RestClient.builder()
			.baseUrl(this.simulator.baseUrl())
			.apply(new WithingsRestClientConfigurer(fixture.clients, fixture.service))
			.build()), new WithingsLinkedUsers(fixture.service, "withings"), this.callback.url("/notify/s3cr3t"));
		core.setSpacing(Duration.ofMillis(50)); // waited with Thread.sleep: must not be on a parallel thread
		this.notifications = new WithingsReactiveNotifications(core);
	}

	@AfterEach
	void stop() {
		this.callback.close();
		this.simulator.stop();
	}

	private <T> T onParallel(Mono<T> call) {
		return Mono.defer(() -> call).subscribeOn(Schedulers.parallel()).block(TIMEOUT);
	}

	@Test
	void subscribeListAndRevokeWhenCalledOnAParallelThreadThenNothingBlocksIt() {
		List<WithingsSubscription> made = onParallel(this.notifications.subscribe(ALICE));
		assertThat(made).extracting(WithingsSubscription::appliCode).containsExactly(1, 46);
		assertThat(onParallel(this.notifications.subscribe(ALICE, WithingsAppli.WEIGHT))).isEmpty();
		assertThat(onParallel(this.notifications.subscribe(ALICE, 44))).hasSize(1);

		assertThat(onParallel(this.notifications.list(ALICE))).extracting(WithingsSubscription::appli)
			.containsExactly(WithingsAppli.WEIGHT, WithingsAppli.USER_ACTION, WithingsAppli.SLEEP);
		assertThat(onParallel(this.notifications.revoke(ALICE, WithingsAppli.SLEEP))).isOne();
		assertThat(onParallel(this.notifications.revoke(ALICE, 46))).isOne();
		assertThat(this.simulator.subscriptions(ALICE)).extracting(SimulatorSubscription::appli).containsExactly(1);
		assertThat(onParallel(this.notifications.revoke(ALICE))).isOne();
		assertThat(this.simulator.subscriptions(ALICE)).isEmpty();
	}

	@Test
	void gettersWhenCalledThenTheCoreSettings() {
		assertThat(this.notifications.getRegistrationId()).isEqualTo("withings");
		assertThat(this.notifications.getCallbackUrl()).isEqualTo(this.callback.url("/notify/s3cr3t"));
		assertThat(this.notifications.getDefaultAppli()).containsExactly(1, 46);
	}

	@Test
	void subscribeWhenNoLinkOrCallbackUnreachableThenErrorSignals() {
		assertThatExceptionOfType(ClientAuthorizationRequiredException.class)
			.isThrownBy(() -> onParallel(this.notifications.subscribe("nobody")));
		this.callback.setHeadStatus(500);
		assertThatExceptionOfType(WithingsSubscriptionException.class)
			.isThrownBy(() -> onParallel(this.notifications.subscribe(ALICE)))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(293));
	}

}
