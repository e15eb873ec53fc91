package io.github.springwithings.simulator;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Account names map to stable, distinct Withings user ids.
 */
class SimulatorAccountsTests {

	@Test
	void userIdWhenSameNameThenSameIdInEverySimulatorAndCaseInsensitive() {
		SimulatorAccounts accounts = new SimulatorAccounts();

		String alice = accounts.userId("alice");

		assertThat(accounts.userId(" Alice ")).isEqualTo(alice);
		assertThat(new SimulatorAccounts().userId("alice")).isEqualTo(alice);
		assertThat(Long.parseLong(alice)).isBetween(SimulatorAccounts.FIRST_USER_ID,
				SimulatorAccounts.FIRST_USER_ID + SimulatorAccounts.USER_IDS - 1);
		assertThat(accounts.userId("bob")).isNotEqualTo(alice);
	}

	@Test
	void userIdWhenThousandsOfNamesThenCollisionsAreProbedAwayAndIdsStayStable() {
		// these 20,000 names hash to the same id 6 times (40 million ids): probing tells them apart
		List<String> names = IntStream.range(0, 20_000).mapToObj((i) -> "user-" + i).toList();
		SimulatorAccounts accounts = new SimulatorAccounts();
		SimulatorAccounts again = new SimulatorAccounts();

		Set<String> ids = new HashSet<>();
		for (String name : names) {
			ids.add(accounts.userId(name));
		}

		assertThat(ids).hasSize(names.size());
		assertThat(names).allSatisfy((name) -> assertThat(again.userId(name)).isEqualTo(accounts.userId(name)));
		assertThat(ids).allSatisfy((id) -> assertThat(Long.parseLong(id)).isGreaterThanOrEqualTo(50_000_000L)
			.isLessThan(90_000_000L));
	}

	@Test
	void normalizeWhenBlankOrTooLongOrControlCharactersThenRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> SimulatorAccounts.normalize(" "));
		assertThatIllegalArgumentException().isThrownBy(() -> SimulatorAccounts.normalize("a".repeat(101)));
		assertThatIllegalArgumentException().isThrownBy(() -> SimulatorAccounts.normalize("a\nb"));
		assertThat(SimulatorAccounts.normalize(" Alice@Example.org ")).isEqualTo("alice@example.org");
	}

}
