package io.github.springwithings.sample.webflux;

import java.util.List;

import io.github.springwithings.notification.WithingsAppli;

/**
 * Whether a user is subscribed to Withings notifications at this application's callback URL, as
 * the dashboard shows it.
 *
 * @param state the state
 * @param subscribed the categories subscribed ({@code appli} codes)
 * @param missing the categories not subscribed (yet)
 * @param problem why subscribing gave up, or {@code null}
 */
record SubscriptionStatus(State state, List<Integer> subscribed, List<Integer> missing, String problem) {

	static final SubscriptionStatus OFF = new SubscriptionStatus(State.OFF, List.of(), List.of(), null);

	static final SubscriptionStatus UNKNOWN = new SubscriptionStatus(State.UNKNOWN, List.of(), List.of(), null);

	static SubscriptionStatus of(List<Integer> subscribed, List<Integer> missing, String problem) {
		State state = missing.isEmpty() ? State.SUBSCRIBED : (problem != null) ? State.FAILED : State.PENDING;
		return new SubscriptionStatus(state, List.copyOf(subscribed), List.copyOf(missing), problem);
	}

	/** The sentence of the dashboard (public: templates call it). */
	public String text() {
		return switch (state()) {
			case OFF -> "Off: no callback URL is configured, so Withings does not call this application";
			case UNKNOWN -> "Unknown: Withings did not answer";
			case SUBSCRIBED -> "Subscribed to " + names(subscribed()) + ": Withings calls this application when they change";
			case PENDING -> "Subscribing to " + names(missing()) + " (in the background since you signed in)"
					+ (subscribed().isEmpty() ? "" : "; subscribed to " + names(subscribed()));
			case FAILED -> "Not subscribed to " + names(missing()) + ": " + problem();
		};
	}

	/** {@code weight and user actions}: Withings' categories ({@code appli} codes) in words. */
	private static String names(List<Integer> codes) {
		List<String> names = codes.stream().map((code) -> StarterActivity.category(WithingsAppli.of(code))).toList();
		if (names.size() < 2) {
			return String.join("", names);
		}
		return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
	}

	/** Where a user's subscription stands. */
	enum State {

		/** No callback URL: no notifications in this application. */
		OFF,

		/** Subscribed to every category. */
		SUBSCRIBED,

		/** Not yet to every category: subscribe-on-link is at work. */
		PENDING,

		/** Subscribe-on-link gave up on some categories. */
		FAILED,

		/** Withings could not be asked. */
		UNKNOWN

	}

}
