package io.github.springwithings.oauth2.client.endpoint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.common.Urls;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Everything logged at TRACE (with request details logging on) while
 * {@link WithingsReactiveAccessTokenResponseClient} exchanges a code and refreshes: no access
 * token, refresh token, code, nonce, signature or client secret, anywhere. (The simulator's own
 * logs are left out: it is not the application.)
 */
class WithingsReactiveLogSecrecyTests {

	private static final List<String> TRACED_LOGGERS = List.of("org.springframework.web", "org.springframework.http",
			"org.springframework.core.codec", "org.springframework.security", "reactor.netty",
			"io.github.springwithings.oauth2", "io.github.springwithings.web");

	private static final List<String> SIMULATOR_LOGGERS = List.of("io.github.springwithings.simulator", "wiremock",
			"com.github.tomakehurst", "org.eclipse.jetty");

	private final Map<Logger, Level> levels = new HashMap<>();

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private WithingsSimulator simulator;

	private ClientRegistration registration;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.simulator.setConsentingUserId("363");
		this.registration = TestClientRegistrations.withings(this.simulator).build();
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		for (String name : TRACED_LOGGERS) {
			Logger logger = context.getLogger(name);
			this.levels.put(logger, logger.getLevel());
			logger.setLevel(Level.TRACE);
		}
		this.appender.setContext(context);
		this.appender.start();
		context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(this.appender);
	}

	@AfterEach
	void stop() {
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(this.appender);
		this.appender.stop();
		this.levels.forEach(Logger::setLevel);
		this.simulator.stop();
	}

	static Stream<Arguments> clients() {
		List<Arguments> arguments = new ArrayList<>();
		for (WithingsClientAuthentication authentication : WithingsClientAuthentication.values()) {
			arguments.add(Arguments.of(authentication, "jdk",
					(Supplier<ClientHttpConnector>) JdkClientHttpConnector::new));
			arguments.add(Arguments.of(authentication, "reactor-netty",
					(Supplier<ClientHttpConnector>) ReactorClientHttpConnector::new));
		}
		return arguments.stream();
	}

	@ParameterizedTest(name = "{0} over {1}")
	@MethodSource("clients")
	void getTokenResponseWhenCodeAndRefreshLoggedAtTraceThenNoSecretInLogs(WithingsClientAuthentication authentication,
			String connectorName, Supplier<ClientHttpConnector> connector) {
		WebClient webClient = WebClient.builder()
			.clientConnector(connector.get())
			.codecs((codecs) -> codecs.defaultCodecs().enableLoggingRequestDetails(true))
			.build();
		String code = this.simulator.authorize(WithingsSimulator.DEFAULT_CLIENT_ID,
				TestClientRegistrations.REDIRECT_URI, "user.metrics,user.activity");

		OAuth2AccessTokenResponse response = WithingsReactiveAccessTokenResponseClient
			.authorizationCode(WithingsClientRegistrations.withIds(List.of("withings")), authentication, webClient)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, code))
			.block();
		OAuth2AccessTokenResponse refreshed = WithingsReactiveAccessTokenResponseClient
			.refreshToken(WithingsClientRegistrations.withIds(List.of("withings")), authentication, webClient)
			.getTokenResponse(new OAuth2RefreshTokenGrantRequest(this.registration, response.getAccessToken(),
					response.getRefreshToken()))
			.block();

		Set<String> secrets = secretsSeenBySimulator();
		secrets.add(code);
		secrets.add(response.getAccessToken().getTokenValue());
		secrets.add(response.getRefreshToken().getTokenValue());
		secrets.add(refreshed.getAccessToken().getTokenValue());
		secrets.add(refreshed.getRefreshToken().getTokenValue());
		int expected = (authentication == WithingsClientAuthentication.SIGNATURE) ? 9 : 6;
		assertThat(secrets).hasSizeGreaterThanOrEqualTo(expected).contains(WithingsSimulator.DEFAULT_CLIENT_SECRET);
		List<String> logs = applicationLogLines();
		assertThat(logs).as("captured logs").isNotEmpty().anyMatch((line) -> line.contains("HTTP POST"));
		for (String secret : secrets) {
			assertThat(logs).as("logs").noneMatch((line) -> line.contains(secret));
		}
	}

	private List<String> applicationLogLines() {
		List<String> lines = new ArrayList<>();
		for (ILoggingEvent event : List.copyOf(this.appender.list)) {
			if (SIMULATOR_LOGGERS.stream().anyMatch(event.getLoggerName()::startsWith)) {
				continue;
			}
			StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ')
				.append(event.getFormattedMessage());
			for (IThrowableProxy cause = event.getThrowableProxy(); cause != null; cause = cause.getCause()) {
				line.append(' ').append(cause.getMessage());
			}
			lines.add(line.toString());
		}
		return lines;
	}

	/** Every code, token, nonce, signature and secret that crossed the wire. */
	private Set<String> secretsSeenBySimulator() {
		JsonMapper json = JsonMapper.builder().build();
		Set<String> secrets = new HashSet<>();
		secrets.add(WithingsSimulator.DEFAULT_CLIENT_SECRET);
		for (ServeEvent event : this.simulator.wireMock().getAllServeEvents()) {
			String requestBody = event.getRequest().getBodyAsString();
			if (!requestBody.isEmpty()) {
				Urls.splitQuery(requestBody).forEach((name, value) -> {
					if (RedactedFormParameters.SECRET_NAMES.contains(name)) {
						secrets.add(value.firstValue());
					}
				});
			}
			String responseBody = event.getResponse().getBodyAsString();
			if (responseBody != null && responseBody.startsWith("{")) {
				JsonNode body = json.readTree(responseBody).path("body");
				for (String name : Set.of("access_token", "refresh_token", "nonce")) {
					if (body.path(name).isString()) {
						secrets.add(body.path(name).asString());
					}
				}
			}
		}
		return secrets;
	}

}
