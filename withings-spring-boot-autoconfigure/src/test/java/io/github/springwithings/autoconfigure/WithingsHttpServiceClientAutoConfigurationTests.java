package io.github.springwithings.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import io.github.springwithings.web.service.registry.WithingsRestClientHttpServiceGroupConfigurer;
import io.github.springwithings.web.service.registry.WithingsWebClientHttpServiceGroupConfigurer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.security.oauth2.client.web.client.ClientRegistrationIdProcessor;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;
import org.springframework.web.service.registry.HttpServiceGroup;
import org.springframework.web.service.registry.HttpServiceGroupConfigurer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.RETURNS_SELF;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

/**
 * {@link WithingsHttpServiceClientAutoConfiguration}: the group {@code withings} gets the base
 * URL, the timeouts and the interceptors (the rate limit innermost) or the exchange filter, and
 * {@code @ClientRegistrationId}; other groups nothing; Boot's {@code spring.http.serviceclient.withings.*}
 * win; an application's own configurer replaces the starter's.
 */
class WithingsHttpServiceClientAutoConfigurationTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.";

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), null))
		.withPropertyValues(REGISTRATION + "withings.client-id=id", REGISTRATION + "withings.client-secret=secret",
				"withings.api-base-uri=http://127.0.0.1:9000")
		.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
				WithingsAuthorizedClientServiceAutoConfiguration.class, WithingsOAuth2ClientAutoConfiguration.class,
				WithingsRateLimitAutoConfiguration.class, WithingsAuthorizedClientsAutoConfiguration.class,
				WithingsKeepAliveAutoConfiguration.class, WithingsApiClientAutoConfiguration.class,
				WithingsHttpServiceClientAutoConfiguration.class));

	@Test
	void autoConfigurationWhenHttpServiceClientsDisabledThenBacksOff() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(WithingsRestClientHttpServiceGroupConfigurer.class)
			.hasSingleBean(WithingsWebClientHttpServiceGroupConfigurer.class));
		this.contextRunner.withPropertyValues("withings.http-service-clients.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasBean("withingsRestClient")
				.doesNotHaveBean(WithingsRestClientHttpServiceGroupConfigurer.class)
				.doesNotHaveBean(WithingsWebClientHttpServiceGroupConfigurer.class));
	}

	@Test
	void restClientGroupWhenNamedWithingsThenBaseUrlTimeoutsInterceptorsAndRegistrationIds() {
		this.contextRunner.run((context) -> {
			Groups<RestClient.Builder> groups = new Groups<>(RestClient.Builder.class, "withings", "other");

			context.getBean(WithingsRestClientHttpServiceGroupConfigurer.class).configureGroups(groups);

			RestClient.Builder withings = groups.client("withings");
			verify(withings).baseUrl("http://127.0.0.1:9000");
			verify(withings).requestFactory(any(ClientHttpRequestFactory.class));
			// the envelope, Spring's OAuth2 interceptor, the rate limit
			verify(withings, times(3))
				.requestInterceptor(any(ClientHttpRequestInterceptor.class));
			verify(groups.proxyFactory("withings")).httpRequestValuesProcessor(ClientRegistrationIdProcessor.DEFAULT_INSTANCE);
			verifyNoInteractions(groups.client("other"), groups.proxyFactory("other"));
		});
	}

	@Test
	void restClientGroupWhenBootsGroupPropertiesSetThenTheyWin() {
		this.contextRunner
			.withPropertyValues("spring.http.serviceclient.withings.base-url=http://proxy.example",
					"spring.http.serviceclient.withings.read-timeout=3s")
			.run((context) -> {
				Groups<RestClient.Builder> groups = new Groups<>(RestClient.Builder.class, "withings");

				context.getBean(WithingsRestClientHttpServiceGroupConfigurer.class).configureGroups(groups);

				verify(groups.client("withings"), never()).baseUrl(any(String.class));
				verify(groups.client("withings"), never()).requestFactory(any());
				verify(groups.client("withings"), times(3)).requestInterceptor(any());
			});
	}

	@Test
	void webClientGroupWhenNamedWithingsThenBaseUrlConnectorAndTheExchangeFilter() {
		this.contextRunner.run((context) -> {
			Groups<WebClient.Builder> groups = new Groups<>(WebClient.Builder.class, "withings", "other");

			context.getBean(WithingsWebClientHttpServiceGroupConfigurer.class).configureGroups(groups);

			WebClient.Builder withings = groups.client("withings");
			verify(withings).baseUrl("http://127.0.0.1:9000");
			verify(withings).clientConnector(any(ClientHttpConnector.class));
			verify(withings).filter(any(ExchangeFilterFunction.class));
			verify(groups.proxyFactory("withings")).httpRequestValuesProcessor(ClientRegistrationIdProcessor.DEFAULT_INSTANCE);
			verifyNoInteractions(groups.client("other"));
		});
	}

	@Test
	void configurersWhenTheApplicationDefinesItsOwnThenTheStartersBackOff() {
		this.contextRunner.withUserConfiguration(OwnConfigurers.class).run((context) -> {
			assertThat(context).getBean(WithingsRestClientHttpServiceGroupConfigurer.class)
				.isSameAs(context.getBean("ownRestClientGroup"));
			assertThat(context).getBean(WithingsWebClientHttpServiceGroupConfigurer.class)
				.isSameAs(context.getBean("ownWebClientGroup"));
		});
	}

	@Test
	void configurersWhenNoWithingsRegistrationThenNone() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
					WithingsAuthorizedClientServiceAutoConfiguration.class,
					WithingsOAuth2ClientAutoConfiguration.class, WithingsRateLimitAutoConfiguration.class,
					WithingsAuthorizedClientsAutoConfiguration.class, WithingsKeepAliveAutoConfiguration.class,
					WithingsApiClientAutoConfiguration.class, WithingsHttpServiceClientAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(WithingsRestClientHttpServiceGroupConfigurer.class)
				.doesNotHaveBean(WithingsWebClientHttpServiceGroupConfigurer.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnConfigurers {

		@Bean
		WithingsRestClientHttpServiceGroupConfigurer ownRestClientGroup() {
			return new WithingsRestClientHttpServiceGroupConfigurer("mine", (builder) -> {
			});
		}

		@Bean
		WithingsWebClientHttpServiceGroupConfigurer ownWebClientGroup() {
			return new WithingsWebClientHttpServiceGroupConfigurer("mine", (builder) -> {
			});
		}

	}

	/** Groups as Spring's registry hands them to configurers: builders recorded by mocks. */
	static final class Groups<B> implements HttpServiceGroupConfigurer.Groups<B> {

		private final List<Group<B>> groups;

		Groups(Class<B> builderType, String... names) {
			this.groups = new ArrayList<>();
			for (String name : names) {
				HttpServiceGroup group = mock(HttpServiceGroup.class);
				when(group.name()).thenReturn(name);
				this.groups.add(new Group<>(group, mock(builderType, RETURNS_SELF),
						mock(HttpServiceProxyFactory.Builder.class, RETURNS_SELF)));
			}
		}

		private Groups(List<Group<B>> groups) {
			this.groups = groups;
		}

		B client(String name) {
			return find(name).client();
		}

		HttpServiceProxyFactory.Builder proxyFactory(String name) {
			return find(name).proxyFactory();
		}

		private Group<B> find(String name) {
			return this.groups.stream().filter((group) -> group.group().name().equals(name)).findFirst().orElseThrow();
		}

		@Override
		public HttpServiceGroupConfigurer.Groups<B> filterByName(String... names) {
			return filter((group) -> Set.of(names).contains(group.name()));
		}

		@Override
		public HttpServiceGroupConfigurer.Groups<B> filter(Predicate<HttpServiceGroup> predicate) {
			return new Groups<>(this.groups.stream().filter((group) -> predicate.test(group.group())).toList());
		}

		@Override
		public void forEachGroup(HttpServiceGroupConfigurer.GroupCallback<B> callback) {
			this.groups.forEach((group) -> callback.withGroup(group.group(), group.client(), group.proxyFactory()));
		}

		@Override
		public void forEachClient(HttpServiceGroupConfigurer.ClientCallback<B> callback) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void forEachClient(HttpServiceGroupConfigurer.InitializingClientCallback<B> callback) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void forEachProxyFactory(HttpServiceGroupConfigurer.ProxyFactoryCallback callback) {
			throw new UnsupportedOperationException();
		}

		private record Group<B>(HttpServiceGroup group, B client, HttpServiceProxyFactory.Builder proxyFactory) {
		}

	}

}
