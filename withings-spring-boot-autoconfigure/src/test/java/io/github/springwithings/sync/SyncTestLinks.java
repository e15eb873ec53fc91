package io.github.springwithings.sync;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.springwithings.oauth2.client.InMemoryWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClient;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.github.springwithings.testsupport.ForwardingWithingsAuthorizedClientService;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * A store of links for the sync's scheduling tests: every user in {@link #linked} is linked (no
 * token is ever used: the fetcher is a counting one).
 */
final class SyncTestLinks extends ForwardingWithingsAuthorizedClientService {

	static final ClientRegistration REGISTRATION = TestClientRegistrations.withings("http://127.0.0.1:1").build();

	final Set<String> linked = ConcurrentHashMap.newKeySet();

	SyncTestLinks() {
		super(new InMemoryWithingsAuthorizedClientService(new InMemoryClientRegistrationRepository(REGISTRATION)));
	}

	@Override
	public WithingsAuthorizedClient loadByUserId(String registrationId, String userId) {
		if (!this.linked.contains(userId)) {
			return null;
		}
		OAuth2AccessToken token = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "unused",
				Instant.EPOCH, Instant.EPOCH.plusSeconds(10800), Set.of("user.metrics", "user.activity"));
		return new WithingsAuthorizedClient(new OAuth2AuthorizedClient(REGISTRATION, userId, token), userId,
				Instant.EPOCH, 0);
	}

}
