package io.github.springwithings.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.init.DatabaseInitializationProperties;

/**
 * Configuration of the Withings authorized-client store.
 */
@ConfigurationProperties("withings.store")
public class WithingsStoreProperties extends DatabaseInitializationProperties {

	static final String DEFAULT_SCHEMA_LOCATION = "classpath:io/github/springwithings/db/@@platform@@/R__withings_schema.sql";

	/**
	 * Where authorized clients are stored: 'jdbc' (the default when a DataSource exists) or
	 * 'memory' (the default otherwise; every link is lost on restart).
	 */
	private StoreType type;

	/**
	 * Longest time a statement of the JDBC store may take (whole seconds): a locked row or a
	 * hung database fails the caller with a clear error instead of holding its thread.
	 */
	private Duration queryTimeout = Duration.ofSeconds(5);

	private final Encryption encryption = new Encryption();

	public Duration getQueryTimeout() {
		return this.queryTimeout;
	}

	public void setQueryTimeout(Duration queryTimeout) {
		this.queryTimeout = queryTimeout;
	}

	@Override
	public String getDefaultSchemaLocation() {
		return DEFAULT_SCHEMA_LOCATION;
	}

	public StoreType getType() {
		return this.type;
	}

	public void setType(StoreType type) {
		this.type = type;
	}

	public Encryption getEncryption() {
		return this.encryption;
	}

	/**
	 * Where authorized clients are stored.
	 */
	public enum StoreType {

		/** A relational database through the application's DataSource. */
		JDBC,

		/** Memory: lost on restart. */
		MEMORY

	}

	/**
	 * Encryption of token values at rest (AES-256-GCM with a key derived from the password and salt).
	 */
	public static class Encryption {

		/**
		 * Password the encryption key is derived from. Token values are stored in clear when unset.
		 */
		private String password;

		/**
		 * Hex-encoded salt (at least 8 bytes) used with the password.
		 */
		private String salt;

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

		public String getSalt() {
			return this.salt;
		}

		public void setSalt(String salt) {
			this.salt = salt;
		}

	}

}
