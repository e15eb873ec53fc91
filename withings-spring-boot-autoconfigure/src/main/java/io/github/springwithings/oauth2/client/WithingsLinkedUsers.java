package io.github.springwithings.oauth2.client;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.springframework.util.Assert;

/**
 * The users linked to Withings, for background jobs and admin pages: page through them (ordered
 * by principal name, one query per page, whatever their number), stream them, or find one by
 * Withings user id (as notifications name them). Exposes no token: to call Withings for a user,
 * use {@link WithingsAuthorizedClients} or {@code WithingsApi.forUser(...)}.
 *
 * <pre class="code">
 * &#64;Scheduled(cron = "0 0 4 * * *")
 * void syncAll() {
 *     try (Stream&lt;WithingsLinkedUser&gt; users = linkedUsers.stream()) {
 *         users.forEach((user) -&gt; sync.syncUser(user));   // withingsApi.forPrincipal(user.principalName())...
 *     }
 * }
 * </pre>
 *
 * To keep tables of your own in step, listen to the link events ({@link WithingsLinkEvent}).
 */
public final class WithingsLinkedUsers {

	private final WithingsAuthorizedClientService authorizedClientService;

	private final String defaultRegistrationId;

	private int pageSize = 100;

	/**
	 * @param authorizedClientService the store
	 * @param defaultRegistrationId the Withings registration used when none is named
	 */
	public WithingsLinkedUsers(WithingsAuthorizedClientService authorizedClientService, String defaultRegistrationId) {
		Assert.notNull(authorizedClientService, "authorizedClientService cannot be null");
		Assert.hasText(defaultRegistrationId, "defaultRegistrationId cannot be empty");
		this.authorizedClientService = authorizedClientService;
		this.defaultRegistrationId = defaultRegistrationId;
	}

	/**
	 * A page of the linked users of the default registration, ordered by principal name.
	 * @param afterPrincipalName the last principal name of the previous page, {@code null} for the first
	 * @param size at most this many
	 * @return the page; shorter than {@code size} only at the end
	 */
	public List<WithingsLinkedUser> findPage(String afterPrincipalName, int size) {
		return findPage(this.defaultRegistrationId, afterPrincipalName, size);
	}

	/**
	 * A page of the linked users of a registration, ordered by principal name.
	 * @param registrationId the registration id
	 * @param afterPrincipalName the last principal name of the previous page, {@code null} for the first
	 * @param size at most this many
	 * @return the page; shorter than {@code size} only at the end
	 */
	public List<WithingsLinkedUser> findPage(String registrationId, String afterPrincipalName, int size) {
		Assert.hasText(registrationId, "registrationId cannot be empty");
		Assert.isTrue(size > 0, "size must be positive");
		return this.authorizedClientService.findPage(registrationId, afterPrincipalName, size)
			.stream()
			.map(WithingsLinkedUser::of)
			.toList();
	}

	/**
	 * Every linked user of the default registration, read a page at a time as the stream is
	 * consumed.
	 * @return the users, ordered by principal name
	 */
	public Stream<WithingsLinkedUser> stream() {
		return stream(this.defaultRegistrationId);
	}

	/**
	 * Every linked user of a registration, read a page at a time as the stream is consumed. Users
	 * linked or removed while it runs may or may not be seen.
	 * @param registrationId the registration id
	 * @return the users, ordered by principal name
	 */
	public Stream<WithingsLinkedUser> stream(String registrationId) {
		Assert.hasText(registrationId, "registrationId cannot be empty");
		return StreamSupport.stream(new Pages(registrationId, this.pageSize), false);
	}

	/**
	 * The linked user of the default registration with this Withings user id.
	 * @param userId the Withings user id
	 * @return the user, if linked
	 */
	public Optional<WithingsLinkedUser> findByUserId(String userId) {
		return findByUserId(this.defaultRegistrationId, userId);
	}

	/**
	 * The linked user of a registration with this Withings user id.
	 * @param registrationId the registration id
	 * @param userId the Withings user id
	 * @return the user, if linked
	 */
	public Optional<WithingsLinkedUser> findByUserId(String registrationId, String userId) {
		Assert.hasText(registrationId, "registrationId cannot be empty");
		Assert.hasText(userId, "userId cannot be empty");
		return Optional.ofNullable(this.authorizedClientService.loadByUserId(registrationId, userId))
			.map(WithingsLinkedUser::of);
	}

	/**
	 * The linked user of the default registration with this principal name.
	 * @param principalName the principal name
	 * @return the user, if linked
	 */
	public Optional<WithingsLinkedUser> findByPrincipalName(String principalName) {
		return findByPrincipalName(this.defaultRegistrationId, principalName);
	}

	/**
	 * The linked user of a registration with this principal name.
	 * @param registrationId the registration id
	 * @param principalName the principal name
	 * @return the user, if linked
	 */
	public Optional<WithingsLinkedUser> findByPrincipalName(String registrationId, String principalName) {
		Assert.hasText(registrationId, "registrationId cannot be empty");
		Assert.hasText(principalName, "principalName cannot be empty");
		return Optional.ofNullable(this.authorizedClientService.loadWithingsAuthorizedClient(registrationId, principalName))
			.map(WithingsLinkedUser::of);
	}

	/**
	 * The Withings registration used when none is named.
	 * @return the registration id
	 */
	public String getDefaultRegistrationId() {
		return this.defaultRegistrationId;
	}

	/**
	 * Set how many users {@link #stream()} reads per query (100 by default).
	 * @param pageSize the page size
	 */
	public void setPageSize(int pageSize) {
		Assert.isTrue(pageSize > 0, "pageSize must be positive");
		this.pageSize = pageSize;
	}

	/** The users of a registration, a page at a time. */
	private final class Pages extends Spliterators.AbstractSpliterator<WithingsLinkedUser> {

		private final String registrationId;

		private final int size;

		private Iterator<WithingsLinkedUser> page = Collections.emptyIterator();

		private String after;

		private boolean last;

		Pages(String registrationId, int size) {
			super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT);
			this.registrationId = registrationId;
			this.size = size;
		}

		@Override
		public boolean tryAdvance(Consumer<? super WithingsLinkedUser> action) {
			if (!this.page.hasNext()) {
				if (this.last) {
					return false;
				}
				List<WithingsLinkedUser> next = findPage(this.registrationId, this.after, this.size);
				this.last = next.size() < this.size;
				if (next.isEmpty()) {
					return false;
				}
				this.after = next.get(next.size() - 1).principalName();
				this.page = next.iterator();
			}
			action.accept(this.page.next());
			return true;
		}

	}

}
