import { createTheme } from '@mantine/core';

/** Calm and dense: an agent works in it all day. Blue chosen for WCAG AA contrast on white and as a fill. */
export const theme = createTheme({
  primaryColor: 'accord',
  primaryShade: 7,
  colors: {
    accord: [
      '#eaf1f8',
      '#d3e1ef',
      '#a6c3e0',
      '#76a3cf',
      '#4f88c1',
      '#3677b8',
      '#276db4',
      '#1c4f82',
      '#174470',
      '#0d3760',
    ],
  },
  // A user who asks the system for less motion gets no transitions (menus, selects, modals).
  respectReducedMotion: true,
  defaultRadius: 'sm',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic", sans-serif',
  fontSizes: { xs: '12px', sm: '13px', md: '14px', lg: '16px', xl: '18px' },
  spacing: { xs: '6px', sm: '10px', md: '14px', lg: '20px', xl: '28px' },
  headings: {
    fontWeight: '600',
    sizes: { h1: { fontSize: '20px' }, h2: { fontSize: '16px' }, h3: { fontSize: '14px' } },
  },
  components: {
    Button: { defaultProps: { size: 'xs' } },
    TextInput: { defaultProps: { size: 'xs' } },
    PasswordInput: { defaultProps: { size: 'xs' } },
    Select: { defaultProps: { size: 'xs' } },
    Textarea: { defaultProps: { size: 'xs' } },
    Table: { defaultProps: { verticalSpacing: 6, horizontalSpacing: 'xs', fz: 'sm' } },
  },
});
