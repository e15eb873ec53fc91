package io.github.springwithings.internal.sql;

import java.util.List;
import java.util.Locale;

/**
 * Names a database's platform as Spring Boot and Flyway do ({@code h2}, {@code postgresql},
 * {@code mariadb}, ...), from the product name its driver gives.
 */
public final class SqlPlatforms {

	private SqlPlatforms() {
	}

	/**
	 * @param productName the product name, may be {@code null}
	 * @return the platform, or {@code null} when it is none the starter knows
	 */
	public static String platform(String productName) {
		String product = (productName != null) ? productName.toLowerCase(Locale.ROOT) : "";
		if (product.contains("mariadb")) {
			return "mariadb";
		}
		if (product.contains("mysql")) {
			return "mysql";
		}
		if (product.contains("postgres")) {
			return "postgresql";
		}
		if (product.contains("sql server")) {
			return "sqlserver";
		}
		if (product.startsWith("hsql")) {
			return "hsqldb";
		}
		if (product.startsWith("db2")) {
			return "db2";
		}
		for (String platform : List.of("h2", "derby", "oracle")) {
			if (product.equals(platform) || product.startsWith(platform + " ") || product.endsWith(" " + platform)
					|| product.startsWith("apache " + platform)) {
				return platform;
			}
		}
		return null;
	}

	/**
	 * MariaDB also when reached through MySQL Connector/J, which names every server MySQL.
	 * @param productName the product name, may be {@code null}
	 * @param productVersion the product version, may be {@code null}
	 * @return the platform, or {@code null} when it is none the starter knows
	 */
	public static String platform(String productName, String productVersion) {
		String platform = platform(productName);
		return ("mysql".equals(platform) && productVersion != null
				&& productVersion.toLowerCase(Locale.ROOT).contains("mariadb")) ? "mariadb" : platform;
	}

}
