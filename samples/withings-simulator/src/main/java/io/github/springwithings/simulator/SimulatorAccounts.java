package io.github.springwithings.simulator;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Named simulated accounts, each with one stable Withings user id: the id is derived from the
 * account name (SHA-256), so that {@code alice} is the same user across consents and across
 * simulator restarts. Account ids lie in {@code 50000000..89999999}, apart from the ids of
 * anonymous consents (sequential from {@code 36000001}); two names that hash to the same id in one
 * simulator are told apart by probing to the next free id.
 */
final class SimulatorAccounts {

	static final long FIRST_USER_ID = 50_000_000L;

	static final long USER_IDS = 40_000_000L;

	static final int MAX_NAME_LENGTH = 100;

	private final Map<String, String> userIds = new HashMap<>();

	private final Map<String, String> names = new HashMap<>();

	/**
	 * The account name as the simulator keys it: trimmed and lower-cased.
	 * @param account the name as given
	 * @return the normalized name
	 * @throws IllegalArgumentException when the name is blank, too long or has control characters
	 */
	static String normalize(String account) {
		if (account == null || account.isBlank()) {
			throw new IllegalArgumentException("An account name must not be blank");
		}
		String name = account.strip().toLowerCase(Locale.ROOT);
		if (name.length() > MAX_NAME_LENGTH) {
			throw new IllegalArgumentException("An account name has at most " + MAX_NAME_LENGTH + " characters");
		}
		if (name.chars().anyMatch(Character::isISOControl)) {
			throw new IllegalArgumentException("An account name must not contain control characters");
		}
		return name;
	}

	/**
	 * The Withings user id of an account, assigned on first use.
	 * @param account the account name (normalized here)
	 * @return the user id
	 */
	synchronized String userId(String account) {
		String name = normalize(account);
		String existing = this.userIds.get(name);
		if (existing != null) {
			return existing;
		}
		long offset = Math.floorMod(hash(name), USER_IDS);
		String userId = String.valueOf(FIRST_USER_ID + offset);
		while (this.names.containsKey(userId)) {
			offset = (offset + 1) % USER_IDS;
			userId = String.valueOf(FIRST_USER_ID + offset);
		}
		this.userIds.put(name, userId);
		this.names.put(userId, name);
		return userId;
	}

	/** The accounts used so far, name to user id, sorted by name. */
	synchronized Map<String, String> snapshot() {
		return new TreeMap<>(this.userIds);
	}

	private static long hash(String name) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
			return ByteBuffer.wrap(digest).getLong();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is always available", ex);
		}
	}

}
