package io.github.springwithings.oauth2.client;

import java.util.List;

import org.springframework.util.Assert;

/**
 * How many users of a registration are linked, by the age of their refresh token, and how many
 * of their refreshes are in doubt: counts only, never a token or a user.
 *
 * @param linkedUsers the stored clients of the registration
 * @param byRefreshTokenAge clients by refresh-token issue time, youngest first: one more than the
 * bounds asked for (see {@link WithingsAuthorizedClientService#countLinks})
 * @param unknownRefreshTokenAge clients whose refresh token's issue time is unknown
 * @param refreshesInDoubt clients whose refresh started before the bound asked for and never finished
 */
public record WithingsLinkCounts(long linkedUsers, List<Long> byRefreshTokenAge, long unknownRefreshTokenAge,
		long refreshesInDoubt) {

	/**
	 * Checks and copies the counts.
	 * @param linkedUsers the stored clients of the registration
	 * @param byRefreshTokenAge clients by refresh-token issue time, youngest first
	 * @param unknownRefreshTokenAge clients whose refresh token's issue time is unknown
	 * @param refreshesInDoubt clients whose refresh started before the bound and never finished
	 */
	public WithingsLinkCounts {
		Assert.notNull(byRefreshTokenAge, "byRefreshTokenAge cannot be null");
		byRefreshTokenAge = List.copyOf(byRefreshTokenAge);
	}

}
