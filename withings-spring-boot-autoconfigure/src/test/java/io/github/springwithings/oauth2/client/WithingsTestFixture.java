package io.github.springwithings.oauth2.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.simulator.SimulatorClock;
import io.github.springwithings.simulator.WithingsSimulator;
import io.r2dbc.spi.ConnectionFactory;

import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

/**
 * The pieces the starter wires, assembled by hand around a simulator and a store.
 */
public final class WithingsTestFixture {

	public static final String SCOPE = "user.metrics,user.activity";

	public final WithingsSimulator simulator;

	public final ClientRegistration registration;

	public final InMemoryClientRegistrationRepository registrations;

	public final WithingsClientRegistrations withingsRegistrations = WithingsClientRegistrations.withIds(List.of("withings"));

	public final WithingsAuthorizedClientService service;

	public final SingleFlightRefreshTokenResponseClient refreshClient;

	public final WithingsAuthorizedClients clients;

	public final OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> codeClient;

	/** The application's clock: real time plus what a test adds. */
	public final SimulatorClock clock = new SimulatorClock();

	/** Follows refreshes in doubt, as the scheduled job of an instance does. */
	public final WithingsInDoubtRefreshes inDoubt;

	/** The read timeout of calls to Withings (a hung Withings fails a refresh after it). */
	public static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

	public WithingsTestFixture(WithingsSimulator simulator, WithingsClientAuthentication authentication, DataSource dataSource) {
		this(simulator, authentication, dataSource, null);
	}

	public WithingsTestFixture(WithingsSimulator simulator, WithingsClientAuthentication authentication, DataSource dataSource,
			UnaryOperator<WithingsAuthorizedClientService> decorator) {
		this(simulator, authentication, (registrations, clock) -> {
			if (dataSource == null) {
				InMemoryWithingsAuthorizedClientService memory = new InMemoryWithingsAuthorizedClientService(registrations);
				memory.setClock(clock);
				return memory;
			}
			JdbcWithingsAuthorizedClientService jdbc = new JdbcWithingsAuthorizedClientService(dataSource, registrations);
			jdbc.setClock(clock);
			return jdbc;
		}, decorator);
	}

	/** With the R2DBC store on {@code connectionFactory}. */
	public static WithingsTestFixture onR2dbc(WithingsSimulator simulator, WithingsClientAuthentication authentication,
			ConnectionFactory connectionFactory) {
		return onR2dbc(simulator, authentication, connectionFactory, null);
	}

	public static WithingsTestFixture onR2dbc(WithingsSimulator simulator, WithingsClientAuthentication authentication,
			ConnectionFactory connectionFactory,
			UnaryOperator<WithingsAuthorizedClientService> decorator) {
		return new WithingsTestFixture(simulator, authentication, (registrations, clock) -> {
			R2dbcWithingsAuthorizedClientService r2dbc = new R2dbcWithingsAuthorizedClientService(connectionFactory,
					registrations);
			r2dbc.setClock(clock);
			return r2dbc;
		}, decorator);
	}

	private WithingsTestFixture(WithingsSimulator simulator, WithingsClientAuthentication authentication,
			BiFunction<ClientRegistrationRepository, Clock, WithingsAuthorizedClientService> stores,
			UnaryOperator<WithingsAuthorizedClientService> decorator) {
		this.simulator = simulator;
		this.registration = TestClientRegistrations.withings(simulator).build();
		this.registrations = new InMemoryClientRegistrationRepository(this.registration);
		WithingsAuthorizedClientService store = stores.apply(this.registrations, this.clock);
		this.service = (decorator != null) ? decorator.apply(store) : store;
		this.refreshClient = new SingleFlightRefreshTokenResponseClient(
				WithingsAccessTokenResponseClient.refreshToken(this.withingsRegistrations, authentication, restClient()),
				this.service, this.withingsRegistrations);
		this.refreshClient.setClock(this.clock);
		this.clients = new WithingsAuthorizedClients(this.registrations, this.service, this.refreshClient,
				new WithingsRevocationClient(RestClient.create()), "withings");
		this.clients.setClock(this.clock);
		this.inDoubt = new WithingsInDoubtRefreshes(this.service, this.refreshClient, List.of("withings"),
				this.refreshClient.getInDoubtRetryDelay());
		this.inDoubt.setClock(this.clock);
		this.codeClient = new UserIdRememberingTokenResponseClient(WithingsAccessTokenResponseClient
			.authorizationCode(this.withingsRegistrations, authentication, RestClient.builder()), this.service);
	}

	/** Sign a Withings user in as {@code principalName}, as Spring's login filter does. */
	public OAuth2AuthorizedClient link(String principalName, String userId) {
		return link(principalName, userId, false);
	}

	/**
	 * Sign a Withings user in and let its access token expire: the stored client looks expired to
	 * the application (whose clock is the real one) and Withings' clock moves past it too.
	 */
	public OAuth2AuthorizedClient linkExpired(String principalName, String userId) {
		return link(principalName, userId, true);
	}

	/** Sign a Withings user in who granted only {@code scope} (comma-separated). */
	public OAuth2AuthorizedClient linkWithScope(String principalName, String userId, String scope) {
		return link(principalName, userId, false, scope);
	}

	private OAuth2AuthorizedClient link(String principalName, String userId, boolean expired) {
		return link(principalName, userId, expired, SCOPE);
	}

	private OAuth2AuthorizedClient link(String principalName, String userId, boolean expired, String scope) {
		this.simulator.setConsentingUserId(userId);
		String code = this.simulator.authorize(WithingsSimulator.DEFAULT_CLIENT_ID, TestClientRegistrations.REDIRECT_URI,
				scope);
		OAuth2AccessTokenResponse response = this.codeClient
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, code));
		OAuth2AccessToken accessToken = response.getAccessToken();
		if (expired) {
			Instant now = this.clock.instant();
			accessToken = new OAuth2AccessToken(accessToken.getTokenType(), accessToken.getTokenValue(),
					now.minus(Duration.ofHours(3).plusMinutes(5)), now.minus(Duration.ofMinutes(5)),
					accessToken.getScopes());
			this.simulator.clock().advance(Duration.ofHours(3).plusMinutes(5));
		}
		OAuth2AuthorizedClient client = new OAuth2AuthorizedClient(this.registration, principalName, accessToken,
				response.getRefreshToken());
		this.service.saveAuthorizedClient(client, new TestingAuthenticationToken(principalName, null));
		return client;
	}

	/**
	 * Sign a Withings user in as {@code principalName} through a code exchange the store is not
	 * told of (a bare client in the security DSL): the stored link has no Withings user id.
	 */
	public OAuth2AuthorizedClient linkUnrecognised(String principalName, String userId) {
		this.simulator.setConsentingUserId(userId);
		String code = this.simulator.authorize(WithingsSimulator.DEFAULT_CLIENT_ID, TestClientRegistrations.REDIRECT_URI,
				SCOPE);
		OAuth2AccessTokenResponse response = WithingsAccessTokenResponseClient
			.authorizationCode(this.withingsRegistrations, WithingsClientAuthentication.SIGNATURE, restClient())
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, code));
		OAuth2AuthorizedClient client = new OAuth2AuthorizedClient(this.registration, principalName,
				response.getAccessToken(), response.getRefreshToken());
		this.service.saveAuthorizedClient(client, new TestingAuthenticationToken(principalName, null));
		return client;
	}

	/** Calls to Withings with {@link #READ_TIMEOUT}. */
	public static RestClient.Builder restClient() {
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory();
		requestFactory.setReadTimeout(READ_TIMEOUT);
		return RestClient.builder().requestFactory(requestFactory);
	}

	/** Move the application's and Withings' clocks forward together. */
	public void advance(Duration duration) {
		this.clock.advance(duration);
		this.simulator.clock().advance(duration);
	}

	/** A data call with an access token, as the application would make it. */
	public Map<String, Object> getmeas(String accessToken) {
		return getmeas(this.simulator, accessToken);
	}

	/** A data call with an access token, as the application would make it. */
	@SuppressWarnings("unchecked")
	public static Map<String, Object> getmeas(WithingsSimulator simulator, String accessToken) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("action", "getmeas");
		return RestClient.create()
			.post()
			.uri(simulator.baseUrl() + "/measure")
			.header("Authorization", "Bearer " + accessToken)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(form)
			.retrieve()
			.body(Map.class);
	}

	public OAuth2AuthorizedClient stored(String principalName) {
		return this.service.loadAuthorizedClient("withings", principalName);
	}

}
