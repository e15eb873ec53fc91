package io.github.springwithings.notification;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.util.Assert;

/**
 * A notification as Withings sends it ({@code application/x-www-form-urlencoded}), parsed and
 * checked: {@code userid} and {@code appli} present and numeric, dates numeric or
 * {@code YYYY-MM-DD} and in range.
 */
record NotificationForm(String userId, int appliCode, WithingsAppli appli, String startdate, String enddate,
		String date, String deviceId, String action) {

	private static final Pattern NUMBER = Pattern.compile("[0-9]{1,19}");

	/**
	 * Parse and check a body.
	 * @param body the body
	 * @return the notification
	 * @throws IllegalArgumentException when it is not a Withings notification (its message says
	 * why, never quoting the body)
	 */
	static NotificationForm parse(String body) {
		Map<String, String> fields = new HashMap<>();
		for (String pair : body.split("&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int equals = pair.indexOf('=');
			String name = decode((equals < 0) ? pair : pair.substring(0, equals));
			String value = (equals < 0) ? "" : decode(pair.substring(equals + 1));
			fields.putIfAbsent(name, value.trim());
		}
		String userId = number(fields, "userid", true);
		String appli = number(fields, "appli", true);
		Assert.isTrue(appli.length() <= 9, "appli is not a Withings category");
		String date = fields.get("date");
		if (date != null && !date.isEmpty() && !NUMBER.matcher(date).matches()) {
			try {
				LocalDate.parse(date);
			}
			catch (DateTimeParseException ex) {
				throw new IllegalArgumentException("date is neither a number nor YYYY-MM-DD");
			}
		}
		int appliCode = Integer.parseInt(appli);
		NotificationForm notification = new NotificationForm(userId, appliCode, WithingsAppli.of(appliCode), number(fields, "startdate", false),
				number(fields, "enddate", false), emptyToNull(date), emptyToNull(fields.get("deviceid")),
				emptyToNull(fields.get("action")));
		try {
			notification.event("check", "check");
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("a date is out of range");
		}
		return notification;
	}

	private static String decode(String value) {
		try {
			return URLDecoder.decode(value, StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("body is not form-encoded");
		}
	}

	private static String number(Map<String, String> fields, String name, boolean required) {
		String value = emptyToNull(fields.get(name));
		if (value == null) {
			Assert.isTrue(!required, () -> name + " is missing");
			return null;
		}
		Assert.isTrue(NUMBER.matcher(value).matches(), () -> name + " is not a number");
		return value;
	}

	private static String emptyToNull(String value) {
		return (value == null || value.isEmpty()) ? null : value;
	}

	/** Whether it says the user left (unlink or delete), as {@link WithingsNotificationEvent#unlinked()}. */
	boolean unlinks() {
		return this.appli == WithingsAppli.USER_ACTION && ("unlink".equals(this.action) || "delete".equals(this.action));
	}

	/** What tells a notification from another; a retry has the same. */
	String key() {
		return String.join("|", this.userId, Integer.toString(this.appliCode), String.valueOf(this.startdate),
				String.valueOf(this.enddate), String.valueOf(this.date), String.valueOf(this.deviceId),
				String.valueOf(this.action));
	}

	/**
	 * The inbox row's id: the SHA-256 of {@link #key()}, in hexadecimal (64 characters, whatever
	 * the fields' lengths): a retry has the same.
	 */
	String id() {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(key().getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	/** The fields, form-encoded as Withings sends them: {@link #parse} reads them back as they were. */
	String form() {
		StringBuilder form = new StringBuilder("userid=").append(this.userId).append("&appli=").append(this.appliCode);
		field(form, "startdate", this.startdate);
		field(form, "enddate", this.enddate);
		field(form, "date", this.date);
		field(form, "deviceid", this.deviceId);
		field(form, "action", this.action);
		return form.toString();
	}

	private static void field(StringBuilder form, String name, String value) {
		if (value != null) {
			form.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
		}
	}

	WithingsNotificationEvent event(String registrationId, String principalName) {
		return new WithingsNotificationEvent(registrationId, this.userId, principalName, this.appli, this.appliCode,
				epoch(this.startdate), epoch(this.enddate), date(this.date), this.deviceId, this.action);
	}

	private static Instant epoch(String seconds) {
		return (seconds != null) ? Instant.ofEpochSecond(Long.parseLong(seconds)) : null;
	}

	private static Instant date(String date) {
		if (date == null) {
			return null;
		}
		return NUMBER.matcher(date).matches() ? epoch(date) : LocalDate.parse(date).atStartOfDay(ZoneOffset.UTC).toInstant();
	}

	@Override
	public String toString() {
		return "(userid " + this.userId + ", appli " + this.appliCode
				+ ((this.action != null) ? ", action " + this.action : "") + ")";
	}

}
