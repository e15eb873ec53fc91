package io.github.springwithings.testsupport;

import java.time.Instant;
import java.util.List;

import io.github.springwithings.oauth2.client.WithingsUserLostEvent;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

import io.github.springwithings.oauth2.client.WithingsAuthorizedClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
/**
 * A store that forwards everything, for tests to override one behaviour.
 */
public class ForwardingWithingsAuthorizedClientService implements WithingsAuthorizedClientService {

	private final WithingsAuthorizedClientService delegate;

	public ForwardingWithingsAuthorizedClientService(WithingsAuthorizedClientService delegate) {
		this.delegate = delegate;
	}

	@Override
	public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(String clientRegistrationId, String principalName) {
		return this.delegate.loadAuthorizedClient(clientRegistrationId, principalName);
	}

	@Override
	public void saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal) {
		this.delegate.saveAuthorizedClient(authorizedClient, principal);
	}

	@Override
	public void removeAuthorizedClient(String clientRegistrationId, String principalName) {
		this.delegate.removeAuthorizedClient(clientRegistrationId, principalName);
	}

	@Override
	public WithingsAuthorizedClient loadWithingsAuthorizedClient(String registrationId, String principalName) {
		return this.delegate.loadWithingsAuthorizedClient(registrationId, principalName);
	}

	@Override
	public WithingsAuthorizedClient loadByUserId(String registrationId, String userId) {
		return this.delegate.loadByUserId(registrationId, userId);
	}

	@Override
	public WithingsAuthorizedClient loadByRefreshToken(String registrationId, String refreshTokenValue) {
		return this.delegate.loadByRefreshToken(registrationId, refreshTokenValue);
	}

	@Override
	public boolean claimRefresh(WithingsAuthorizedClient client, Instant now, Instant staleBefore) {
		return this.delegate.claimRefresh(client, now, staleBefore);
	}

	@Override
	public WithingsAuthorizedClient saveRotation(WithingsAuthorizedClient current, OAuth2AccessTokenResponse response) {
		return this.delegate.saveRotation(current, response);
	}

	@Override
	public void releaseRefresh(WithingsAuthorizedClient client, Instant claimedAt) {
		this.delegate.releaseRefresh(client, claimedAt);
	}

	@Override
	public List<WithingsAuthorizedClient> findRefreshesInDoubt(String registrationId, Instant startedBefore, int size) {
		return this.delegate.findRefreshesInDoubt(registrationId, startedBefore, size);
	}

	@Override
	public boolean removeAuthorizedClientIfRefreshToken(String registrationId, String principalName,
			String refreshTokenValue) {
		return this.delegate.removeAuthorizedClientIfRefreshToken(registrationId, principalName, refreshTokenValue);
	}

	@Override
	public boolean removeAuthorizedClientIfRefreshToken(String registrationId, String principalName,
			String refreshTokenValue, WithingsUserLostEvent.Reason reason) {
		return this.delegate.removeAuthorizedClientIfRefreshToken(registrationId, principalName, refreshTokenValue,
				reason);
	}

	@Override
	public void rememberUserId(String accessTokenValue, String userId) {
		this.delegate.rememberUserId(accessTokenValue, userId);
	}

	@Override
	public void rememberUnstoredRefresh(String accessTokenValue, String refreshTokenValue) {
		this.delegate.rememberUnstoredRefresh(accessTokenValue, refreshTokenValue);
	}

	@Override
	public List<WithingsAuthorizedClient> findPage(String registrationId, String afterPrincipalName, int size) {
		return this.delegate.findPage(registrationId, afterPrincipalName, size);
	}

}
