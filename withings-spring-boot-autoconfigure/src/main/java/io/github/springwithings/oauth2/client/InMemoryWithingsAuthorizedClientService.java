package io.github.springwithings.oauth2.client;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import io.github.springwithings.oauth2.client.WithingsUserLostEvent.Reason;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.util.Assert;

/**
 * A {@link WithingsAuthorizedClientService} in memory: for development and single-instance
 * applications that accept losing every link on restart. Every change of a client is atomic
 * ({@link Map#compute}); nothing is locked while Withings is called.
 */
public final class InMemoryWithingsAuthorizedClientService
		implements WithingsAuthorizedClientService, ApplicationEventPublisherAware {

	private final ClientRegistrationRepository clientRegistrationRepository;

	private final Map<Key, WithingsAuthorizedClient> clients = new ConcurrentHashMap<>();

	private final AuthorizedClientRules rules = new AuthorizedClientRules();

	private final LinkEvents events = new LinkEvents();

	private Clock clock = Clock.systemUTC();

	/**
	 * @param clientRegistrationRepository the registrations of the stored clients
	 */
	public InMemoryWithingsAuthorizedClientService(ClientRegistrationRepository clientRegistrationRepository) {
		Assert.notNull(clientRegistrationRepository, "clientRegistrationRepository cannot be null");
		this.clientRegistrationRepository = clientRegistrationRepository;
	}

	@Override
	public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(String clientRegistrationId, String principalName) {
		return WithingsAuthorizedClientService.unwrap(loadWithingsAuthorizedClient(clientRegistrationId, principalName));
	}

	@Override
	public WithingsAuthorizedClient loadWithingsAuthorizedClient(String registrationId, String principalName) {
		WithingsAuthorizedClient client = this.clients.get(new Key(registrationId, principalName));
		return (client != null && registered(registrationId)) ? client : null;
	}

	@Override
	public WithingsAuthorizedClient loadByUserId(String registrationId, String userId) {
		return this.clients.values()
			.stream()
			.filter((client) -> client.getRegistrationId().equals(registrationId) && Objects.equals(userId, client.getUserId()))
			.findFirst()
			.orElse(null);
	}

	@Override
	public WithingsAuthorizedClient loadByRefreshToken(String registrationId, String refreshTokenValue) {
		String hash = AuthorizedClientRules.hash(refreshTokenValue);
		WithingsAuthorizedClient previous = null;
		for (WithingsAuthorizedClient client : this.clients.values()) {
			if (!client.getRegistrationId().equals(registrationId)) {
				continue;
			}
			if (Objects.equals(refreshTokenValue, client.getRefreshTokenValue())) {
				return client;
			}
			if (hash.equals(client.getPreviousRefreshTokenHash())) {
				previous = client;
			}
		}
		return previous;
	}

	@Override
	public void saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal) {
		Assert.notNull(authorizedClient, "authorizedClient cannot be null");
		Assert.notNull(principal, "principal cannot be null");
		Key key = new Key(authorizedClient.getClientRegistration().getRegistrationId(), principal.getName());
		boolean[] consent = new boolean[1];
		WithingsAuthorizedClient[] replaced = new WithingsAuthorizedClient[1];
		WithingsAuthorizedClient saved = this.clients.compute(key, (k, current) -> {
			AuthorizedClientRules.Save save = this.rules.decide(authorizedClient, principal, current);
			if (!save.store()) {
				return current;
			}
			consent[0] = save.consent();
			replaced[0] = current;
			this.rules.saved(authorizedClient);
			OAuth2AuthorizedClient client = new OAuth2AuthorizedClient(authorizedClient.getClientRegistration(),
					principal.getName(), authorizedClient.getAccessToken(), authorizedClient.getRefreshToken());
			String refreshTokenValue = AuthorizedClientRules.refreshTokenValue(client.getRefreshToken());
			boolean sameRefreshToken = current != null && Objects.equals(refreshTokenValue, current.getRefreshTokenValue());
			if (current == null) {
				return new WithingsAuthorizedClient(client, save.userId(),
						AuthorizedClientRules.issuedAt(client.getRefreshToken(), this.clock.instant()), 0, null, null);
			}
			// only a consent ends a refresh in flight; any other save leaves its mark
			return new WithingsAuthorizedClient(client, save.userId(),
					sameRefreshToken ? current.getRefreshTokenIssuedAt()
							: AuthorizedClientRules.issuedAt(client.getRefreshToken(), this.clock.instant()),
					current.getVersion() + 1, save.consent() ? null : current.getRefreshStartedAt(),
					sameRefreshToken ? current.getPreviousRefreshTokenHash()
							: AuthorizedClientRules.hash(current.getRefreshTokenValue()));
		});
		if (consent[0]) {
			this.events.publish(new WithingsUserLinkedEvent(WithingsLinkedUser.of(saved),
					(replaced[0] != null) ? WithingsLinkedUser.of(replaced[0]) : null));
		}
	}

	@Override
	public void removeAuthorizedClient(String clientRegistrationId, String principalName) {
		this.clients.remove(new Key(clientRegistrationId, principalName));
	}

	@Override
	public boolean removeAuthorizedClientIfRefreshToken(String registrationId, String principalName,
			String refreshTokenValue) {
		return removeAuthorizedClientIfRefreshToken(registrationId, principalName, refreshTokenValue,
				Reason.REFRESH_TOKEN_DEAD);
	}

	@Override
	public boolean removeAuthorizedClientIfRefreshToken(String registrationId, String principalName,
			String refreshTokenValue, Reason reason) {
		Assert.notNull(reason, "reason cannot be null");
		WithingsAuthorizedClient[] removed = new WithingsAuthorizedClient[1];
		this.clients.computeIfPresent(new Key(registrationId, principalName), (key, current) -> {
			removed[0] = Objects.equals(current.getRefreshTokenValue(), refreshTokenValue) ? current : null;
			return (removed[0] != null) ? null : current;
		});
		if (removed[0] == null) {
			return false;
		}
		this.events.publish(new WithingsUserLostEvent(WithingsLinkedUser.of(removed[0]), reason));
		return true;
	}

	@Override
	public boolean claimRefresh(WithingsAuthorizedClient client, Instant now, Instant staleBefore) {
		Instant start = now.truncatedTo(ChronoUnit.MILLIS);
		return changeIfHolding(client, (current) -> (current.getRefreshStartedAt() == null
				|| current.getRefreshStartedAt().isBefore(staleBefore)) ? marked(current, start) : null) != null;
	}

	@Override
	public WithingsAuthorizedClient saveRotation(WithingsAuthorizedClient current, OAuth2AccessTokenResponse response) {
		WithingsAuthorizedClient rotated = changeIfHolding(current,
				(stored) -> AuthorizedClientRules.rotated(stored, response, this.clock.instant()));
		if (rotated != null) {
			this.rules.rememberRotation(response.getAccessToken().getTokenValue());
			this.events.publish(new WithingsUserRefreshedEvent(WithingsLinkedUser.of(rotated)));
		}
		return rotated;
	}

	@Override
	public void releaseRefresh(WithingsAuthorizedClient client, Instant claimedAt) {
		Instant start = claimedAt.truncatedTo(ChronoUnit.MILLIS);
		changeIfHolding(client, (current) -> start.equals(current.getRefreshStartedAt()) ? marked(current, null) : null);
	}

	@Override
	public List<WithingsAuthorizedClient> findRefreshesInDoubt(String registrationId, Instant startedBefore, int size) {
		return this.clients.values()
			.stream()
			.filter((client) -> client.getRegistrationId().equals(registrationId) && client.getRefreshStartedAt() != null
					&& client.getRefreshStartedAt().isBefore(startedBefore))
			.sorted(Comparator.comparing(WithingsAuthorizedClient::getRefreshStartedAt))
			.limit(size)
			.toList();
	}

	@Override
	public void rememberUserId(String accessTokenValue, String userId) {
		this.rules.rememberConsent(accessTokenValue, userId);
	}

	@Override
	public void rememberUnstoredRefresh(String accessTokenValue, String refreshTokenValue) {
		this.rules.rememberUnstoredRefresh(accessTokenValue, refreshTokenValue);
	}

	@Override
	public List<WithingsAuthorizedClient> findPage(String registrationId, String afterPrincipalName, int size) {
		return this.clients.values()
			.stream()
			.filter((client) -> client.getRegistrationId().equals(registrationId))
			.filter((client) -> afterPrincipalName == null || client.getPrincipalName().compareTo(afterPrincipalName) > 0)
			.sorted(Comparator.comparing(WithingsAuthorizedClient::getPrincipalName))
			.limit(size)
			.toList();
	}

	@Override
	public WithingsLinkCounts countLinks(String registrationId, List<Instant> issuedBefore,
			Instant refreshStartedBefore) {
		LinkCounter counter = new LinkCounter(issuedBefore, refreshStartedBefore);
		this.clients.values()
			.stream()
			.filter((client) -> client.getRegistrationId().equals(registrationId))
			.forEach(counter::add);
		return counter.counts();
	}

	/**
	 * Set where {@link WithingsUserLinkedEvent} and {@link WithingsUserLostEvent} are published
	 * (set by the application context when this store is a bean).
	 * @param publisher the publisher
	 */
	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
		this.events.setPublisher(publisher);
	}

	/**
	 * Set the clock that dates refresh tokens.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

	/**
	 * Apply {@code change} atomically if the stored client still holds {@code client}'s refresh
	 * token; a {@code null} change leaves it as it is.
	 * @return the changed client, or {@code null} when nothing changed
	 */
	private WithingsAuthorizedClient changeIfHolding(WithingsAuthorizedClient client,
			UnaryOperator<WithingsAuthorizedClient> change) {
		WithingsAuthorizedClient[] changed = new WithingsAuthorizedClient[1];
		this.clients.computeIfPresent(new Key(client.getRegistrationId(), client.getPrincipalName()), (key, current) -> {
			if (!Objects.equals(current.getRefreshTokenValue(), client.getRefreshTokenValue())) {
				return current;
			}
			changed[0] = change.apply(current);
			return (changed[0] != null) ? changed[0] : current;
		});
		return changed[0];
	}

	private static WithingsAuthorizedClient marked(WithingsAuthorizedClient client, Instant refreshStartedAt) {
		return new WithingsAuthorizedClient(client.getAuthorizedClient(), client.getUserId(),
				client.getRefreshTokenIssuedAt(), client.getVersion(), refreshStartedAt,
				client.getPreviousRefreshTokenHash());
	}

	private boolean registered(String registrationId) {
		return this.clientRegistrationRepository.findByRegistrationId(registrationId) != null;
	}

	private record Key(String registrationId, String principalName) {
	}

}
