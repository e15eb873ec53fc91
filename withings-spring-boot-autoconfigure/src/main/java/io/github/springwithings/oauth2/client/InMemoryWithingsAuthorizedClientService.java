package io.github.springwithings.oauth2.client;

import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.util.Assert;

/**
 * A {@link WithingsAuthorizedClientService} in memory: for development and single-instance
 * applications that accept losing every link on restart. Locks are per client and local to this
 * process.
 */
public final class InMemoryWithingsAuthorizedClientService implements WithingsAuthorizedClientService {

	private final ClientRegistrationRepository clientRegistrationRepository;

	private final Map<Key, Stored> clients = new ConcurrentHashMap<>();

	private final Map<Key, ReentrantLock> locks = new ConcurrentHashMap<>();

	private final Map<String, Key> byRefreshTokenHash = new ConcurrentHashMap<>();

	private final AuthorizedClientRules rules = new AuthorizedClientRules();

	private Clock clock = Clock.systemUTC();

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
		Stored stored = this.clients.get(new Key(registrationId, principalName));
		return (stored != null && registered(registrationId)) ? stored.client : null;
	}

	@Override
	public WithingsAuthorizedClient loadByUserId(String registrationId, String userId) {
		return this.clients.values()
			.stream()
			.map(Stored::client)
			.filter((client) -> client.getRegistrationId().equals(registrationId) && Objects.equals(userId, client.getUserId()))
			.findFirst()
			.orElse(null);
	}

	@Override
	public void saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal) {
		Assert.notNull(authorizedClient, "authorizedClient cannot be null");
		Assert.notNull(principal, "principal cannot be null");
		Key key = new Key(authorizedClient.getClientRegistration().getRegistrationId(), principal.getName());
		withLock(key, () -> {
			Stored stored = this.clients.get(key);
			WithingsAuthorizedClient current = (stored != null) ? stored.client : null;
			String userId = this.rules.userIdFor(authorizedClient, principal, current);
			if (AuthorizedClientRules.isStaleOrSame(authorizedClient, current, userId)) {
				return null;
			}
			OAuth2AuthorizedClient client = new OAuth2AuthorizedClient(authorizedClient.getClientRegistration(),
					principal.getName(), authorizedClient.getAccessToken(), authorizedClient.getRefreshToken());
			boolean sameRefreshToken = current != null && authorizedClient.getRefreshToken() != null
					&& authorizedClient.getRefreshToken().getTokenValue().equals(current.getRefreshTokenValue());
			store(key, current, new WithingsAuthorizedClient(client, userId,
					sameRefreshToken ? current.getRefreshTokenIssuedAt()
							: AuthorizedClientRules.issuedAt(authorizedClient.getRefreshToken(), this.clock.instant()),
					(current != null) ? current.getVersion() + 1 : 0));
			return null;
		});
	}

	@Override
	public void removeAuthorizedClient(String clientRegistrationId, String principalName) {
		Key key = new Key(clientRegistrationId, principalName);
		withLock(key, () -> {
			Stored removed = this.clients.remove(key);
			if (removed != null) {
				unindex(removed);
			}
			return null;
		});
	}

	@Override
	public boolean removeAuthorizedClientIfRefreshToken(String registrationId, String principalName,
			String refreshTokenValue) {
		Key key = new Key(registrationId, principalName);
		return withLock(key, () -> {
			Stored stored = this.clients.get(key);
			if (stored == null || !Objects.equals(stored.client.getRefreshTokenValue(), refreshTokenValue)) {
				return false;
			}
			this.clients.remove(key);
			unindex(stored);
			return true;
		});
	}

	@Override
	public <T> T lockByRefreshToken(String registrationId, String refreshTokenValue,
			Function<WithingsAuthorizedClient, T> work) {
		String hash = AuthorizedClientRules.hash(refreshTokenValue);
		Key key = this.byRefreshTokenHash.get(registrationId + ":" + hash);
		if (key == null) {
			return work.apply(null);
		}
		return withLock(key, () -> {
			Stored stored = this.clients.get(key);
			boolean holds = stored != null && (hash.equals(AuthorizedClientRules.hash(stored.client.getRefreshTokenValue()))
					|| hash.equals(stored.previousRefreshTokenHash));
			return work.apply(holds ? stored.client : null);
		});
	}

	@Override
	public WithingsAuthorizedClient saveRotation(WithingsAuthorizedClient current, OAuth2AccessTokenResponse response) {
		Key key = new Key(current.getRegistrationId(), current.getPrincipalName());
		Assert.state(this.locks.get(key) != null && this.locks.get(key).isHeldByCurrentThread(),
				"saveRotation must be called from lockByRefreshToken");
		WithingsAuthorizedClient rotated = AuthorizedClientRules.rotated(current, response, this.clock.instant());
		store(key, current, rotated);
		return rotated;
	}

	@Override
	public void rememberUserId(String accessTokenValue, String userId) {
		this.rules.rememberUserId(accessTokenValue, userId);
	}

	@Override
	public List<WithingsAuthorizedClient> findPage(String registrationId, String afterPrincipalName, int size) {
		return this.clients.values()
			.stream()
			.map(Stored::client)
			.filter((client) -> client.getRegistrationId().equals(registrationId))
			.filter((client) -> afterPrincipalName == null || client.getPrincipalName().compareTo(afterPrincipalName) > 0)
			.sorted(Comparator.comparing(WithingsAuthorizedClient::getPrincipalName))
			.limit(size)
			.toList();
	}

	/**
	 * Set the clock that dates refresh tokens.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

	private void store(Key key, WithingsAuthorizedClient current, WithingsAuthorizedClient next) {
		Stored previous = this.clients.get(key);
		if (previous != null) {
			unindex(previous);
		}
		String previousHash = null;
		if (current != null && !Objects.equals(current.getRefreshTokenValue(), next.getRefreshTokenValue())) {
			previousHash = AuthorizedClientRules.hash(current.getRefreshTokenValue());
		}
		else if (previous != null) {
			previousHash = previous.previousRefreshTokenHash;
		}
		Stored stored = new Stored(next, previousHash);
		this.clients.put(key, stored);
		index(key, stored);
	}

	private void index(Key key, Stored stored) {
		String registrationId = key.registrationId + ":";
		if (stored.client.getRefreshTokenValue() != null) {
			this.byRefreshTokenHash.put(registrationId + AuthorizedClientRules.hash(stored.client.getRefreshTokenValue()), key);
		}
		if (stored.previousRefreshTokenHash != null) {
			this.byRefreshTokenHash.put(registrationId + stored.previousRefreshTokenHash, key);
		}
	}

	private void unindex(Stored stored) {
		String registrationId = stored.client.getRegistrationId() + ":";
		if (stored.client.getRefreshTokenValue() != null) {
			this.byRefreshTokenHash.remove(registrationId + AuthorizedClientRules.hash(stored.client.getRefreshTokenValue()));
		}
		if (stored.previousRefreshTokenHash != null) {
			this.byRefreshTokenHash.remove(registrationId + stored.previousRefreshTokenHash);
		}
	}

	private boolean registered(String registrationId) {
		ClientRegistration registration = this.clientRegistrationRepository.findByRegistrationId(registrationId);
		return registration != null;
	}

	private <T> T withLock(Key key, java.util.function.Supplier<T> action) {
		ReentrantLock lock = this.locks.computeIfAbsent(key, (k) -> new ReentrantLock());
		lock.lock();
		try {
			return action.get();
		}
		finally {
			lock.unlock();
		}
	}

	private record Key(String registrationId, String principalName) {
	}

	private record Stored(WithingsAuthorizedClient client, String previousRefreshTokenHash) {
	}

}
