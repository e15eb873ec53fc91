package io.github.springwithings.oauth2.client;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.springframework.util.Assert;

/**
 * Counts clients one by one as {@link WithingsAuthorizedClientService#countLinks} does, for the
 * stores that hold them in memory.
 */
final class LinkCounter {

	private final List<Instant> issuedBefore;

	private final Instant refreshStartedBefore;

	private final long[] byAge;

	private long linked;

	private long unknown;

	private long inDoubt;

	LinkCounter(List<Instant> issuedBefore, Instant refreshStartedBefore) {
		check(issuedBefore, refreshStartedBefore);
		this.issuedBefore = List.copyOf(issuedBefore);
		this.refreshStartedBefore = refreshStartedBefore;
		this.byAge = new long[issuedBefore.size() + 1];
	}

	/** The arguments of {@link WithingsAuthorizedClientService#countLinks}. */
	static void check(List<Instant> issuedBefore, Instant refreshStartedBefore) {
		Assert.notNull(issuedBefore, "issuedBefore cannot be null");
		Assert.noNullElements(issuedBefore, "issuedBefore cannot contain null");
		Assert.notNull(refreshStartedBefore, "refreshStartedBefore cannot be null");
		for (int i = 1; i < issuedBefore.size(); i++) {
			Assert.isTrue(!issuedBefore.get(i).isAfter(issuedBefore.get(i - 1)), "issuedBefore must be newest first");
		}
	}

	void add(WithingsAuthorizedClient client) {
		this.linked++;
		if (client.getRefreshStartedAt() != null && client.getRefreshStartedAt().isBefore(this.refreshStartedBefore)) {
			this.inDoubt++;
		}
		Instant issuedAt = client.getRefreshTokenIssuedAt();
		if (issuedAt == null) {
			this.unknown++;
			return;
		}
		int bucket = 0;
		while (bucket < this.issuedBefore.size() && issuedAt.isBefore(this.issuedBefore.get(bucket))) {
			bucket++;
		}
		this.byAge[bucket]++;
	}

	WithingsLinkCounts counts() {
		return new WithingsLinkCounts(this.linked, Arrays.stream(this.byAge).boxed().toList(), this.unknown,
				this.inDoubt);
	}

}
