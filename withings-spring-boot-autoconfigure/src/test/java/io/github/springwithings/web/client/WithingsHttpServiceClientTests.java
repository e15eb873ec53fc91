package io.github.springwithings.web.client;

import java.util.Map;

import io.github.springwithings.api.WithingsRequestAttributes;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.annotation.ClientRegistrationId;
import org.springframework.security.oauth2.client.web.client.ClientRegistrationIdProcessor;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring's HTTP service clients ({@code @HttpExchange} interfaces with {@code @ClientRegistrationId})
 * on a client set up with {@link WithingsRestClientConfigurer}.
 */
class WithingsHttpServiceClientTests {

	private WithingsSimulator simulator;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
	}

	@Test
	void httpServiceClientWhenTokenKilledThenEnvelopeUnwrappedAndRefreshedTransparently() {
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				null);
		OAuth2AuthorizedClient linked = fixture.link("alice", "36000042");
		this.simulator.expireAccessToken(linked.getAccessToken().getTokenValue());
		RestClient restClient = RestClient.builder()
			.baseUrl(this.simulator.baseUrl())
			.apply(new WithingsRestClientConfigurer(fixture.clients, fixture.service))
			.build();
		MeasureService measures = HttpServiceProxyFactory.builderFor(RestClientAdapter.create(restClient))
			.httpRequestValuesProcessor(ClientRegistrationIdProcessor.DEFAULT_INSTANCE)
			.build()
			.createClient(MeasureService.class);
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("action", "getmeas");

		Map<String, Object> body = measures.getmeas("36000042", form);

		assertThat(body).containsKey("measuregrps").doesNotContainKey("status");
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(1);
	}

	@HttpExchange("/measure")
	@ClientRegistrationId("withings")
	interface MeasureService {

		@PostExchange(contentType = "application/x-www-form-urlencoded")
		Map<String, Object> getmeas(@RequestAttribute(WithingsRequestAttributes.USER_ID) String userId,
				@RequestBody MultiValueMap<String, String> form);

	}

}
