"""What several pages share: sign-in, language, navigation, formatting, error display."""
