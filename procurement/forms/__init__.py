"""The forms of procurement: a competition and its rows (competitions), an NCO's application
(applications), and the commission's sheets, declarations and awards (evaluation)."""
