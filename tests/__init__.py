"""Tests of the Hikvision Reset integration."""
