package io.aimsmonitor.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of exports, {@code aims.export.*}.
 *
 * @param baseUrl the service's public URL (e.g. {@code https://aims.example.com}); links to findings in
 *     exports and notifications are absolute with it, relative ({@code /api/findings/<id>}) without
 */
@ConfigurationProperties("aims.export")
public record ExportProperties(String baseUrl) {}
