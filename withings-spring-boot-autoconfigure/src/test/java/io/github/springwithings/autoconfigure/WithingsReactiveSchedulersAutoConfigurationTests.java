package io.github.springwithings.autoconfigure;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToIntFunction;

import io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClients;
import io.github.springwithings.oauth2.client.WithingsReactiveSchedulers;
import io.github.springwithings.oauth2.client.endpoint.WithingsNoncePrefetcher;
import io.github.springwithings.web.reactive.function.client.WithingsExchangeFilterFunction;
import org.junit.jupiter.api.Test;
import reactor.core.Scannable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's own schedulers on WebFlux: bounded, named, sized by properties, replaceable,
 * disposed with the context; the reactive store runs on the store one.
 */
class WithingsReactiveSchedulersAutoConfigurationTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.";

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), null))
		.withPropertyValues(REGISTRATION + "withings.client-id=id", REGISTRATION + "withings.client-secret=secret")
		.withConfiguration(AutoConfigurations.of(org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration.class,
				WithingsAuthorizedClientServiceAutoConfiguration.class, OAuth2ClientAutoConfiguration.class,
				WithingsReactiveAuthorizedClientServiceAutoConfiguration.class,
				WithingsOAuth2ClientAutoConfiguration.class, WithingsRateLimitAutoConfiguration.class,
				WithingsAuthorizedClientsAutoConfiguration.class, WithingsKeepAliveAutoConfiguration.class,
				WithingsApiClientAutoConfiguration.class, WithingsReactiveOAuth2ClientAutoConfiguration.class));

	@Test
	void tokenClientsWhenSignedWithoutNoncesFetchedAheadThenTwoPermitsACallElseOne() {
		this.contextRunner.withPropertyValues("withings.nonce.prefetch=false").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(WithingsNoncePrefetcher.class);
			assertThat(requestsPerCall(context, "withingsReactiveRefreshTokenTokenResponseClient"))
				.as("a nonce, then the token").isEqualTo(2);
			assertThat(requestsPerCall(context, "withingsReactiveAuthorizationCodeTokenResponseClient")).isEqualTo(2);
		});
		this.contextRunner.withPropertyValues("withings.client-authentication=client-secret").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(requestsPerCall(context, "withingsReactiveRefreshTokenTokenResponseClient")).isOne();
			assertThat(requestsPerCall(context, "withingsReactiveAuthorizationCodeTokenResponseClient")).isOne();
		});
	}

	@SuppressWarnings("unchecked")
	private static int requestsPerCall(org.springframework.context.ApplicationContext context, String bean) {
		ClientRegistration registration = context.getBean(ReactiveClientRegistrationRepository.class)
			.findByRegistrationId("withings")
			.block();
		return ((ToIntFunction<ClientRegistration>) ReflectionTestUtils.getField(context.getBean(bean),
				"requestsPerCall"))
			.applyAsInt(registration);
	}

	@Test
	void schedulersWhenDefaultsThenBoundedNamedAndDisposedWithTheContext() {
		AtomicReference<WithingsReactiveSchedulers> schedulers = new AtomicReference<>();
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(WithingsReactiveSchedulers.class);
			schedulers.set(context.getBean(WithingsReactiveSchedulers.class));
			assertThat(capacity(schedulers.get().getTokens())).isEqualTo(8);
			assertThat(capacity(schedulers.get().getStore())).isEqualTo(16);
			assertThat(threadName(schedulers.get().getTokens())).startsWith("withings-token-");
			assertThat(threadName(schedulers.get().getStore())).startsWith("withings-store-");
			assertThat(context.getBean(ReactiveOAuth2AuthorizedClientService.class))
				.isInstanceOf(WithingsReactiveAuthorizedClientService.class)
				.extracting("scheduler")
				.isSameAs(schedulers.get().getStore());
		});
		assertThat(schedulers.get().getTokens().isDisposed()).isTrue();
		assertThat(schedulers.get().getStore().isDisposed()).isTrue();
	}

	@Test
	void schedulersWhenThreadPropertiesThenTheirCaps() {
		this.contextRunner.withPropertyValues("withings.reactive.token-threads=3", "withings.reactive.store-threads=5")
			.run((context) -> {
				WithingsReactiveSchedulers schedulers = context.getBean(WithingsReactiveSchedulers.class);
				assertThat(capacity(schedulers.getTokens())).isEqualTo(3);
				assertThat(capacity(schedulers.getStore())).isEqualTo(5);
			});
	}

	@Test
	void schedulersWhenTheApplicationDefinesThemThenTheyAreUsedAndLeftRunning() {
		Scheduler tokens = Schedulers.newBoundedElastic(2, 100, "app-token");
		Scheduler store = Schedulers.newBoundedElastic(2, 100, "app-store");
		try {
			this.contextRunner.withBean(WithingsReactiveSchedulers.class, () -> new WithingsReactiveSchedulers(tokens, store))
				.run((context) -> {
					assertThat(context).hasSingleBean(WithingsReactiveSchedulers.class);
					assertThat(context.getBean(ReactiveOAuth2AuthorizedClientService.class)).extracting("scheduler")
						.isSameAs(store);
				});
			assertThat(tokens.isDisposed()).isFalse();
			assertThat(store.isDisposed()).isFalse();
		}
		finally {
			tokens.dispose();
			store.dispose();
		}
	}

	/**
	 * The starter's {@code withingsWebClient} filter and {@code WithingsReactiveAuthorizedClients}
	 * go through the reactive path: the reactive refresh client bean and the reactive store, on the
	 * starter's schedulers.
	 */
	@Test
	void withingsWebClientWhenWebFluxThenItAuthorizesThroughTheReactiveRefreshClientOnTheStartersSchedulers() {
		this.contextRunner.run((context) -> {
			WithingsReactiveSchedulers schedulers = context.getBean(WithingsReactiveSchedulers.class);
			WithingsReactiveAuthorizedClients clients = context.getBean(WithingsReactiveAuthorizedClients.class);
			assertThat(clients).extracting("refreshTokenResponseClient")
				.isSameAs(context.getBean("withingsReactiveRefreshTokenTokenResponseClient"));
			assertThat(clients).extracting("authorizedClientService")
				.isSameAs(context.getBean(ReactiveOAuth2AuthorizedClientService.class));
			assertThat(clients).extracting("store").isSameAs(schedulers.getStore());
			assertThat(clients).extracting("tokens").isSameAs(schedulers.getTokens());
			WithingsExchangeFilterFunction filter = context.getBean(WithingsExchangeFilterFunction.class);
			assertThat(filter).extracting("authorizedClients").isSameAs(clients);
			assertThat(filter).extracting("scheduler").isSameAs(schedulers.getStore());
		});
	}

	private static Object capacity(Scheduler scheduler) {
		return Scannable.from(scheduler).scan(Scannable.Attr.CAPACITY);
	}

	private static String threadName(Scheduler scheduler) {
		return Mono.fromCallable(() -> Thread.currentThread().getName())
			.subscribeOn(scheduler)
			.block(Duration.ofSeconds(10));
	}

}
