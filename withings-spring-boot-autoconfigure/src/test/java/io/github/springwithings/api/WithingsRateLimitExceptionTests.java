package io.github.springwithings.api;

import java.time.Duration;

import io.github.springwithings.ratelimit.WithingsRateBudget;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WithingsRateLimitExceptionTests {

	@Test
	void constructorWhenWithingsSaidHowLongThenAnsweredWithItsWait() {
		WithingsRateLimitException ex = new WithingsRateLimitException("Too many requests", Duration.ofSeconds(188));

		assertThat(ex.isAnswered()).isTrue();
		assertThat(ex.getStatus()).isEqualTo(601);
		assertThat(ex.getFamily()).isEqualTo(WithingsStatusFamily.TOO_MANY_REQUESTS);
		assertThat(ex.getWait()).isEqualTo(Duration.ofSeconds(188));
		assertThat(ex.getWaitSeconds()).isEqualTo(188);
		assertThat(ex.getMessage()).isEqualTo("Withings status 601 (TOO_MANY_REQUESTS): Too many requests");
	}

	@Test
	void constructorWhenWithingsDidNotSayThenNoWaitSecondsAndTenSecondWait() {
		WithingsRateLimitException ex = new WithingsRateLimitException(null, null);

		assertThat(ex.getWaitSeconds()).isNull();
		assertThat(ex.getWait()).isEqualTo(Duration.ofSeconds(10));
		assertThat(ex.getMessage()).isEqualTo("Withings status 601 (TOO_MANY_REQUESTS)");
	}

	@Test
	void notSentWhenTheClientSideBudgetRefusesThenNotAnsweredWithTheLongestWait() {
		WithingsRateLimitException ex = WithingsRateBudget.refused(Duration.ofSeconds(30));

		assertThat(ex.isAnswered()).isFalse();
		assertThat(ex.getStatus()).isEqualTo(601);
		assertThat(ex.getWait()).isEqualTo(Duration.ofSeconds(30));
		assertThat(ex.getMessage())
			.isEqualTo("Withings status 601 (TOO_MANY_REQUESTS): Client-side rate limit reached: no permit within PT30S");
	}

	@Test
	void getWaitSecondsWhenWaitBeyondIntRangeThenCapped() {
		assertThat(new WithingsRateLimitException(null, Duration.ofSeconds(4294967296L)).getWaitSeconds())
			.isEqualTo(Integer.MAX_VALUE);
	}

}
