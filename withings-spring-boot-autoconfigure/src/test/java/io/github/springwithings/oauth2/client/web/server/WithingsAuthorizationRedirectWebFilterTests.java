package io.github.springwithings.oauth2.client.web.server;

import java.net.URI;

import io.github.springwithings.autoconfigure.WithingsAuthorizedClientServiceAutoConfiguration;
import io.github.springwithings.autoconfigure.WithingsOAuth2ClientAutoConfiguration;
import io.github.springwithings.autoconfigure.WithingsOAuth2ClientEnvironmentPostProcessor;
import io.github.springwithings.autoconfigure.WithingsReactiveAuthorizedClientServiceAutoConfiguration;
import io.github.springwithings.autoconfigure.WithingsReactiveOAuth2ClientAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.config.EnableWebFlux;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every redirect of a WebFlux application to Withings' consent page carries comma-joined scopes,
 * also from {@code oauth2Client()}, whose redirect filter ignores the starter's resolver.
 */
class WithingsAuthorizationRedirectWebFilterTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.";

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), null))
		.withPropertyValues(REGISTRATION + "withings.client-id=id", REGISTRATION + "withings.client-secret=secret",
				REGISTRATION + "github.client-id=github-id", REGISTRATION + "github.client-secret=github-secret",
				REGISTRATION + "github.scope=read:user,repo")
		.withUserConfiguration(OAuth2ClientOnlyApplication.class)
		.withConfiguration(AutoConfigurations.of(ReactiveOAuth2ClientAutoConfiguration.class,
				WithingsAuthorizedClientServiceAutoConfiguration.class,
				WithingsReactiveAuthorizedClientServiceAutoConfiguration.class, WithingsOAuth2ClientAutoConfiguration.class,
				WithingsReactiveOAuth2ClientAutoConfiguration.class));

	@Test
	void redirectWhenOAuth2ClientOnlyThenWithingsGetsCommaJoinedScopes() {
		this.contextRunner.run((context) -> {
			URI location = WebTestClient.bindToApplicationContext(context)
				.build()
				.get()
				.uri("/oauth2/authorization/withings")
				.exchange()
				.expectStatus()
				.is3xxRedirection()
				.returnResult(Void.class)
				.getResponseHeaders()
				.getLocation();
			assertThat(location.toString()).startsWith("https://account.withings.com/oauth2_user/authorize2?")
				.contains("scope=user.metrics,user.activity")
				.contains("client_id=id")
				.contains("state=")
				.doesNotContain("mode=demo");
		});
	}

	@Test
	void redirectWhenDemoModeThenModeDemoAddedAndOtherProvidersUntouched() {
		this.contextRunner.withPropertyValues("withings.demo-mode=true").run((context) -> {
			WebTestClient client = WebTestClient.bindToApplicationContext(context).build();
			String withings = client.get().uri("/oauth2/authorization/withings").exchange()
				.returnResult(Void.class).getResponseHeaders().getFirst("Location");
			String github = client.get().uri("/oauth2/authorization/github").exchange()
				.returnResult(Void.class).getResponseHeaders().getFirst("Location");
			assertThat(withings).contains("scope=user.metrics,user.activity").contains("mode=demo");
			assertThat(github).startsWith("https://github.com/login/oauth/authorize?")
				.contains("scope=read:user%20repo")
				.doesNotContain("mode=demo");
		});
	}

	@Test
	void redirectWhenTheApplicationsOwnLocationIsNotAWellFormedUriThenLeftAlone() {
		this.contextRunner.run((context) -> {
			WebTestClient client = WebTestClient.bindToApplicationContext(context).build();
			client.get().uri("/odd").exchange().expectStatus().isFound().expectHeader().valueEquals("Location",
					"/some where|{x}");
			client.get().uri("/elsewhere").exchange().expectStatus().isFound().expectHeader().valueEquals("Location",
					"https://example.com/?scope=a%20b");
		});
	}

	@Test
	void rewriteWhenTheConsentUriHasAQueryOfItsOwnThenMatchedAndRewritten() {
		String location = "https://account.withings.com/oauth2_user/authorize2?lang=fr&response_type=code&scope=user.metrics%20user.activity";

		assertThat(WithingsAuthorizationRedirectWebFilter.rewrite(location, false))
			.isEqualTo("https://account.withings.com/oauth2_user/authorize2?lang=fr&response_type=code&scope=user.metrics,user.activity");
	}

	@Test
	void rewriteWhenSpacesPkceAndEncodedRedirectUriThenCommasNoPkceAndTheRestUnchanged() {
		String location = "https://account.withings.com/oauth2_user/authorize2?response_type=code&client_id=id"
				+ "&scope=user.metrics%20user.activity&state=a%2Bb%3D&redirect_uri=https://app.example.com/login/oauth2/code/withings"
				+ "&code_challenge=abc&code_challenge_method=S256";

		String rewritten = WithingsAuthorizationRedirectWebFilter.rewrite(location, true);

		assertThat(rewritten).isEqualTo("https://account.withings.com/oauth2_user/authorize2?response_type=code"
				+ "&client_id=id&state=a%2Bb%3D&redirect_uri=https://app.example.com/login/oauth2/code/withings"
				+ "&scope=user.metrics,user.activity&mode=demo");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebFlux
	@EnableWebFluxSecurity
	static class OAuth2ClientOnlyApplication {

		@Bean
		RouterFunction<ServerResponse> redirects() {
			return RouterFunctions.route()
				.GET("/odd", (request) -> ServerResponse.status(302)
					.header("Location", "/some where|{x}")
					.build())
				.GET("/elsewhere", (request) -> ServerResponse.status(302)
					.header("Location", "https://example.com/?scope=a%20b")
					.build())
				.build();
		}

		@Bean
		SecurityWebFilterChain springSecurityFilterChain(ServerHttpSecurity http) {
			return http.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
				.oauth2Client(Customizer.withDefaults())
				.build();
		}

	}

}
