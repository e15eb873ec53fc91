package io.github.springwithings.notification;

/**
 * A Withings notification category ({@code appli}). Withings adds categories without notice: a
 * code this enum does not know is {@link #UNKNOWN}, and the event keeps the code itself.
 */
public enum WithingsAppli {

	/** Weight and body composition ({@code measure getmeas}). */
	WEIGHT(1),

	/** Temperature ({@code getmeas}). */
	TEMPERATURE(2),

	/** Blood pressure, heart rate, SpO2 ({@code getmeas}). */
	PRESSURE(4),

	/** Activity: steps, workouts ({@code v2/measure getactivity}). */
	ACTIVITY(16),

	/** Sleep ({@code v2/sleep}). */
	SLEEP(44),

	/** A user action: {@code action} is {@code unlink}, {@code delete} or {@code update}. */
	USER_ACTION(46),

	/** In bed (an event: {@code date} and {@code deviceid}). */
	IN_BED(50),

	/** Out of bed (an event: {@code date} and {@code deviceid}). */
	OUT_OF_BED(51),

	/** Inflate done (Sleep Analyzer). */
	INFLATE_DONE(52),

	/** No account associated (cellular and SDK partners). */
	NO_ACCOUNT_ASSOCIATED(53),

	/** ECG ({@code v2/heart}). */
	ECG(54),

	/** ECG failed. */
	ECG_FAILED(55),

	/** Glucose ({@code getmeas}). */
	GLUCOSE(58),

	/** A code this version does not know. */
	UNKNOWN(-1);

	private final int code;

	WithingsAppli(int code) {
		this.code = code;
	}

	/**
	 * The code Withings sends, {@code -1} for {@link #UNKNOWN}.
	 * @return the code
	 */
	public int code() {
		return this.code;
	}

	/**
	 * The category of a code.
	 * @param code the {@code appli} sent by Withings
	 * @return the category, {@link #UNKNOWN} when the code is not one of the others
	 */
	public static WithingsAppli of(int code) {
		for (WithingsAppli appli : values()) {
			if (appli.code == code && appli != UNKNOWN) {
				return appli;
			}
		}
		return UNKNOWN;
	}

}
